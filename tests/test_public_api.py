"""The public API: an explicit, sorted __all__ whose every name imports."""

import kharita


def test_all_is_sorted_and_complete():
    assert kharita.__all__ == sorted(kharita.__all__)
    for name in kharita.__all__:
        assert getattr(kharita, name) is not None, name
