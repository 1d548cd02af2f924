// The events as one WebGL draw call: a MapLibre custom layer holding every point of the view in a
// GPU buffer (mercator x, y, day, type). The timeline's dates are a uniform that the vertex shader
// compares each point's day against, so dragging the timeline redraws without touching the data.

const VERTEX = `#version 300 es
uniform mat4 u_matrix;      // world pixels -> clip space
uniform float u_world;      // the world's size in pixels at this zoom
uniform vec2 u_range;          // [first day, end day) shown; undated points (day < -1e9) need u_all
uniform float u_all;
uniform float u_size;
uniform vec3 u_colours[8];
in vec2 a_pos;
in float a_day;
in float a_type;
out vec3 v_colour;
void main() {
  bool dated = a_day > -1.0e9;
  bool shown = u_all > 0.5 ? true : (dated && a_day >= u_range.x && a_day < u_range.y);
  gl_Position = shown ? u_matrix * vec4(a_pos * u_world, 0.0, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
  gl_PointSize = u_size;
  v_colour = u_colours[int(min(a_type, 7.0))];
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec3 v_colour;
out vec4 colour;
void main() {
  float r = length(gl_PointCoord - 0.5) * 2.0;
  if (r > 1.0) discard;
  colour = r > 0.72 ? vec4(1.0, 1.0, 1.0, 0.95) : vec4(v_colour, 0.92);
}`;

function hex(colour) {
  const n = parseInt(colour.slice(1), 16);
  return [(n >> 16 & 255) / 255, (n >> 8 & 255) / 255, (n & 255) / 255];
}

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(shader));
  return shader;
}

// lon/lat (degrees) -> MapLibre's mercator world coordinates in [0, 1]
export function mercator(lon, lat) {
  const s = Math.sin(lat * Math.PI / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}

export class PointsLayer {
  constructor(colours) {
    this.id = "events";
    this.type = "custom";
    this.renderingMode = "2d";
    this.colours = new Float32Array(24);
    colours.forEach((c, i) => this.colours.set(hex(c), 3 * i));
    this.count = 0;
    this.range = [0, 0];
    this.all = true;
  }

  onAdd(map, gl) {
    this.map = map;
    const program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program));
    this.program = program;
    this.where = {};
    for (const name of ["u_matrix", "u_world", "u_range", "u_all", "u_size", "u_colours"]) {
      this.where[name] = gl.getUniformLocation(program, name);
    }
    this.buffer = gl.createBuffer();
    this.gl = gl;
    if (this.pending) this.upload(this.pending);
  }

  // columns: {lon, lat: Float32Array, day: Int32Array, type: Uint8Array}
  setData(columns) {
    if (!this.gl) { this.pending = columns; return; }
    this.upload(columns);
  }

  upload(columns) {
    const n = columns.lon.length;
    const data = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const [x, y] = mercator(columns.lon[i], columns.lat[i]);
      data[4 * i] = x; data[4 * i + 1] = y; data[4 * i + 2] = columns.day[i]; data[4 * i + 3] = columns.type[i];
    }
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    this.count = n;
    this.pending = null;
    this.map.triggerRepaint();
  }

  setRange(range, all) {
    this.range = range;
    this.all = all;
    if (this.map) this.map.triggerRepaint();
  }

  render(gl, options) {
    if (!this.count) return;
    gl.useProgram(this.program);
    gl.bindVertexArray(null);
    gl.uniformMatrix4fv(this.where.u_matrix, false, options.modelViewProjectionMatrix);
    gl.uniform1f(this.where.u_world, 512 * Math.pow(2, this.map.getZoom()));
    gl.uniform2f(this.where.u_range, this.range[0], this.range[1]);
    gl.uniform1f(this.where.u_all, this.all ? 1 : 0);
    const zoom = this.map.getZoom();
    gl.uniform1f(this.where.u_size, (zoom < 6 ? 8 : zoom < 9 ? 10 : 13) * (window.devicePixelRatio || 1));
    gl.uniform3fv(this.where.u_colours, this.colours);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    const stride = 16;
    const attributes = [["a_pos", 2, 0], ["a_day", 1, 8], ["a_type", 1, 12]];
    for (const [name, size, offset] of attributes) {
      const at = gl.getAttribLocation(this.program, name);
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, size, gl.FLOAT, false, stride, offset);
    }
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.drawArrays(gl.POINTS, 0, this.count);
    for (const [name] of attributes) gl.disableVertexAttribArray(gl.getAttribLocation(this.program, name));
  }
}
