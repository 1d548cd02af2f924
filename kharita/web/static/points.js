// The events as one WebGL draw call: a MapLibre custom layer holding every point of the view in a
// GPU buffer (mercator x, y, value, type, certainty). Each point is an event (its value the day) or,
// for a store too big to draw point by point, a grid cell of the server's (its value the count,
// drawn as a disc sized by it). The timeline's dates, the chosen event types and certainties are
// uniforms that the vertex shader tests each event against, so dragging the timeline or ticking a
// type redraws without touching the data.

const VERTEX = `#version 300 es
uniform mat4 u_matrix;      // world pixels -> clip space
uniform float u_world;      // the world's size in pixels at this zoom
uniform vec2 u_range;       // [first day, end day) shown; undated points (day < -1e9) need u_all
uniform float u_all;
uniform float u_cells;      // 1: each point is a grid cell, a_value its count
uniform float u_size;
uniform float u_ratio;      // device pixels per CSS pixel
uniform int u_types;        // bit i: event type i is shown
uniform int u_certainties;  // bit i: certainty i is shown (255: none given, always shown)
uniform vec3 u_colours[8];
in vec2 a_pos;
in float a_value;
in float a_type;
in float a_certainty;
out vec3 v_colour;
out float v_edge;           // where the white rim starts, as a share of the radius
out float v_alpha;
void main() {
  int type = int(min(a_type, 7.0));
  int certainty = int(a_certainty);
  bool kept = u_cells > 0.5 || (((u_types >> type) & 1) == 1 && (certainty > 7 || ((u_certainties >> certainty) & 1) == 1));
  bool dated = a_value > -1.0e9;
  bool shown = kept && (u_cells > 0.5 || u_all > 0.5 || (dated && a_value >= u_range.x && a_value < u_range.y));
  gl_Position = shown ? u_matrix * vec4(a_pos * u_world, 0.0, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
  float size = u_cells > 0.5 ? min(44.0, 6.0 + 3.2 * sqrt(a_value)) : u_size;
  gl_PointSize = size * u_ratio;
  v_edge = u_cells > 0.5 ? 1.0 - 2.0 / size : 0.72;
  v_alpha = u_cells > 0.5 ? 0.8 : 0.92;
  v_colour = u_colours[type];
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec3 v_colour;
in float v_edge;
in float v_alpha;
out vec4 colour;
void main() {
  float r = length(gl_PointCoord - 0.5) * 2.0;
  if (r > 1.0) discard;
  colour = r > v_edge ? vec4(1.0, 1.0, 1.0, 0.95) : vec4(v_colour, v_alpha);
}`;

const ALL = 0x7fffffff;

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

// a cell's disc diameter in CSS pixels, as the vertex shader draws it
export function cellSize(count) { return Math.min(44, 6 + 3.2 * Math.sqrt(count)); }

export class PointsLayer {
  constructor(colours) {
    this.id = "events";
    this.type = "custom";
    this.renderingMode = "2d";
    this.colours = new Float32Array(24);
    colours.forEach((c, i) => this.colours.set(hex(c), 3 * i));
    this.count = 0;
    this.cells = false;
    this.range = [0, 0];
    this.all = true;
    this.types = ALL;
    this.certainties = ALL;
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
    for (const name of ["u_matrix", "u_world", "u_range", "u_all", "u_cells", "u_size", "u_ratio", "u_types",
                        "u_certainties", "u_colours"]) {
      this.where[name] = gl.getUniformLocation(program, name);
    }
    this.attributes = [["a_pos", 2, 0], ["a_value", 1, 8], ["a_type", 1, 12], ["a_certainty", 1, 16]]
      .map(([name, size, offset]) => [gl.getAttribLocation(program, name), size, offset]);
    this.buffer = gl.createBuffer();
    this.gl = gl;
    if (this.pending) this.upload(...this.pending);
  }

  // columns: {lon, lat: Float32Array, value: Int32Array (day, or a cell's count), type, certainty: Uint8Array};
  // cells: whether each row is a grid cell
  setData(columns, cells = false) {
    if (!this.gl) { this.pending = [columns, cells]; return; }
    this.upload(columns, cells);
  }

  upload(columns, cells) {
    const n = columns.lon.length;
    const data = new Float32Array(5 * n);
    const { lon, lat, value, type, certainty } = columns;
    for (let i = 0, j = 0; i < n; i++, j += 5) {
      const s = Math.sin(lat[i] * Math.PI / 180);
      data[j] = (lon[i] + 180) / 360;
      data[j + 1] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      data[j + 2] = value[i]; data[j + 3] = type[i]; data[j + 4] = certainty ? certainty[i] : 255;
    }
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    this.count = n;
    this.cells = cells;
    this.pending = null;
    this.map.triggerRepaint();
  }

  setRange(range, all) {
    this.range = range;
    this.all = all;
    if (this.map) this.map.triggerRepaint();
  }

  // which event types and certainties are drawn: bit masks over the page's lists of them
  setKept(types, certainties) {
    this.types = types;
    this.certainties = certainties;
    if (this.map) this.map.triggerRepaint();
  }

  render(gl, options) {
    if (!this.count) return;
    gl.useProgram(this.program);
    gl.bindVertexArray(null);
    gl.uniformMatrix4fv(this.where.u_matrix, false, options.modelViewProjectionMatrix);
    const zoom = this.map.getZoom();
    gl.uniform1f(this.where.u_world, 512 * Math.pow(2, zoom));
    gl.uniform2f(this.where.u_range, this.range[0], this.range[1]);
    gl.uniform1f(this.where.u_all, this.all ? 1 : 0);
    gl.uniform1f(this.where.u_cells, this.cells ? 1 : 0);
    gl.uniform1f(this.where.u_size, zoom < 6 ? 7 : zoom < 9 ? 10 : 13);
    gl.uniform1f(this.where.u_ratio, window.devicePixelRatio || 1);
    gl.uniform1i(this.where.u_types, this.types);
    gl.uniform1i(this.where.u_certainties, this.certainties);
    gl.uniform3fv(this.where.u_colours, this.colours);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    for (const [at, size, offset] of this.attributes) {
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, size, gl.FLOAT, false, 20, offset);
    }
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.drawArrays(gl.POINTS, 0, this.count);
    for (const [at] of this.attributes) gl.disableVertexAttribArray(at);
  }
}
