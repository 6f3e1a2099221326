/** hls.js's light build (no subtitles, alternate audio or DRM: a live show needs none) has the full build's API. */
declare module 'hls.js/light' {
  export { default } from 'hls.js';
}
