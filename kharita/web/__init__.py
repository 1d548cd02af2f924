"""The web edge: the JSON API (api.py), the ASGI app over a store (app.py), `kharita serve`
(commands.py) and the map (static/, its JS libraries vendored from npm by vendor.py)."""
