// Sounds: waveform (drawn from the service's JSON peaks) with a playhead, mel-spectrogram,
// play/pause, replay, speed 0.5× to 2×, autoplay switch, click on the waveform to seek.
// The clip, its peaks and its spectrogram are loaded ahead of time (prepare).
import { backendUrl } from "../api.js";
import { el, replaceChildren } from "../escape.js";

export const TITLE = "Label sounds";
export const LOAD_SLOTS = 1;   // one clip at a time: the next one is what matters

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2];
const AUTOPLAY_KEY = "active-labeling.autoplay";
const SPEED_KEY = "active-labeling.speed";

function stored(key, fallback) {
  try { const v = window.localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); }
  catch (e) { return fallback; }
}
function store(key, value) {
  try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
}

async function fetchOk(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

function formatTime(seconds) {
  if (!Number.isFinite(seconds)) return "–";
  return seconds < 60 ? `${seconds.toFixed(1)} s`
    : `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
}

function spectrogramImage() {
  return el("img", { class: "al-spectro-img", alt: "Mel-spectrogram" });
}

export function createView(stage, ctx) {
  const audio = el("audio", { preload: "auto", class: "al-audio" });
  const canvas = el("canvas", { class: "al-wave-canvas", "aria-hidden": "true" });
  const wavePlayhead = el("div", { class: "al-playhead" });
  const wave = el("div", { class: "al-wave", role: "slider", tabindex: "0", "aria-label": "Waveform: click to seek",
    "aria-valuemin": "0", "aria-valuemax": "0", "aria-valuenow": "0" }, canvas, wavePlayhead);
  let spectroImg = spectrogramImage();
  const spectroPlayhead = el("div", { class: "al-playhead" });
  const spectro = el("div", { class: "al-spectro" }, spectroImg, spectroPlayhead);
  const message = el("p", { class: "al-media-error", role: "alert", hidden: true });

  const playButton = el("button", { type: "button", class: "al-btn al-play", "aria-label": "Play (Space)",
    title: "Play or pause (Space)", text: "▶ Play" });
  const replayButton = el("button", { type: "button", class: "al-btn", "aria-label": "Replay from the start (R)",
    title: "Replay from the start (R)", text: "↺ Replay" });
  const speedSelect = el("select", { class: "al-speed", "aria-label": "Playback speed ([ slower, ] faster)",
    title: "Playback speed ([ slower, ] faster)" },
  SPEEDS.map((s) => el("option", { value: String(s), text: `${s}×` })));
  const autoplayBox = el("input", { type: "checkbox", class: "al-autoplay-box", id: "al-autoplay" });
  const autoplayLabel = el("label", { class: "al-autoplay", for: "al-autoplay", title: "Autoplay (A)" },
    autoplayBox, " Autoplay");
  const time = el("span", { class: "al-time", "aria-live": "off" });
  const controls = el("div", { class: "al-sound-tools", role: "toolbar", "aria-label": "Playback" },
    playButton, replayButton, el("label", { class: "al-speed-label" }, "Speed ", speedSelect), autoplayLabel, time);
  replaceChildren(stage, el("div", { class: "al-sound" }, message, wave, spectro, controls, audio));

  let speed = SPEEDS.includes(stored(SPEED_KEY, 1)) ? stored(SPEED_KEY, 1) : 1;
  let autoplay = Boolean(stored(AUTOPLAY_KEY, false));
  let peaks = null;
  let duration = 0;
  let frame = 0;
  let shownId = null;
  let wantPlay = false;   // Space pressed before the clip was loaded: play it when it is
  speedSelect.value = String(speed);
  autoplayBox.checked = autoplay;

  function drawWave() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(wave.clientWidth * ratio));
    const height = Math.max(1, Math.round(wave.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, width, height);
    const mid = height / 2;
    g.fillStyle = "#d7dde3";
    g.fillRect(0, Math.floor(mid), width, Math.max(1, ratio));
    if (!peaks || !peaks.length) return;
    const played = duration ? (audio.currentTime / duration) * width : 0;
    const per = peaks.length / width;
    for (let x = 0; x < width; x++) {
      const from = Math.floor(x * per);
      const to = Math.max(from + 1, Math.floor((x + 1) * per));
      let lo = 0, hi = 0;
      for (let i = from; i < to && i < peaks.length; i++) {
        const p = peaks[i];
        if (p[0] < lo) lo = p[0];
        if (p[1] > hi) hi = p[1];
      }
      g.fillStyle = x < played ? "#2a6fb0" : "#8aa4bd";
      const top = mid - Math.min(1, hi) * mid;
      const bottom = mid - Math.max(-1, lo) * mid;
      g.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  }

  function updatePlayhead() {
    const fraction = duration ? Math.min(1, audio.currentTime / duration) : 0;
    const left = `${(fraction * 100).toFixed(3)}%`;
    wavePlayhead.style.left = left;
    spectroPlayhead.style.left = left;
    wave.setAttribute("aria-valuenow", audio.currentTime.toFixed(1));
    time.textContent = `${formatTime(audio.currentTime)} / ${formatTime(duration)}`;
  }

  function tick() {
    updatePlayhead();
    drawWave();
    frame = audio.paused ? 0 : requestAnimationFrame(tick);
  }

  function syncButton() {
    const playing = !audio.paused;
    playButton.textContent = playing ? "❚❚ Pause" : "▶ Play";
    playButton.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
    playButton.setAttribute("aria-pressed", playing ? "true" : "false");
  }

  audio.addEventListener("play", () => { syncButton(); if (!frame) frame = requestAnimationFrame(tick); });
  audio.addEventListener("pause", () => { syncButton(); tick(); });
  audio.addEventListener("ended", () => { syncButton(); tick(); });
  audio.addEventListener("loadedmetadata", () => {
    if (!duration && Number.isFinite(audio.duration)) duration = audio.duration;
    wave.setAttribute("aria-valuemax", duration.toFixed(1));
    tick();
  });
  audio.addEventListener("seeked", tick);

  function play() {
    audio.playbackRate = speed;
    const p = audio.play();
    if (p && p.catch) p.catch(() => syncButton());
  }
  function setSpeed(value) {
    speed = value;
    audio.playbackRate = speed;
    speedSelect.value = String(speed);
    store(SPEED_KEY, speed);
  }
  function seekTo(fraction) {
    if (!duration) return;
    audio.currentTime = Math.max(0, Math.min(1, fraction)) * duration;
    tick();
  }

  playButton.addEventListener("click", () => apply("playPause"));
  replayButton.addEventListener("click", () => apply("replay"));
  // Give the keyboard back to the hotkeys once a speed is picked with the mouse.
  speedSelect.addEventListener("change", () => { setSpeed(Number(speedSelect.value)); speedSelect.blur(); });
  autoplayBox.addEventListener("change", () => { autoplay = autoplayBox.checked; store(AUTOPLAY_KEY, autoplay); });
  const seekFromEvent = (event, target) => {
    const rect = target.getBoundingClientRect();
    seekTo((event.clientX - rect.left) / rect.width);
  };
  wave.addEventListener("click", (event) => seekFromEvent(event, wave));
  spectro.addEventListener("click", (event) => seekFromEvent(event, spectro));
  wave.addEventListener("keydown", (event) => {
    if (event.key === "Home") { seekTo(0); event.preventDefault(); }
  });
  if (window.ResizeObserver) new ResizeObserver(() => { updatePlayhead(); drawWave(); }).observe(wave);
  else window.addEventListener("resize", () => tick());

  function apply(command) {
    if (command === "playPause") {
      if (!audio.getAttribute("src")) wantPlay = !wantPlay;
      else if (audio.paused) play(); else audio.pause();
    } else if (command === "replay") {
      if (!audio.getAttribute("src")) wantPlay = true;
      else { audio.currentTime = 0; play(); }
    }
    else if (command === "slower" || command === "faster") {
      const i = SPEEDS.indexOf(speed) + (command === "faster" ? 1 : -1);
      setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i))]);
    } else if (command === "autoplay") {
      autoplay = !autoplay;
      autoplayBox.checked = autoplay;
      store(AUTOPLAY_KEY, autoplay);
    } else return false;
    return true;
  }

  return {
    async prepare(item) {
      const media = item.media || {};
      if (!media.url) return { error: "This item has no sound." };
      const [clip, waveform, spectrogram] = await Promise.allSettled([
        fetchOk(backendUrl(media.url)).then((r) => r.blob()).then((b) => URL.createObjectURL(b)),
        media.waveform ? fetchOk(backendUrl(media.waveform)).then((r) => r.json()) : Promise.reject(new Error("none")),
        // Blob URLs: showing them later needs no network, whatever the cache headers say.
        // The decoded image itself is kept, so showing it is a DOM swap with nothing left to load.
        media.spectrogram ? (async () => {
          const blob = await fetchOk(backendUrl(media.spectrogram)).then((r) => r.blob());
          const url = URL.createObjectURL(blob);
          const image = spectrogramImage();
          image.src = url;
          try { await image.decode(); } catch (e) { URL.revokeObjectURL(url); throw e; }
          return { url, image };
        })() : Promise.reject(new Error("none")),
      ]);
      return {
        clipUrl: clip.status === "fulfilled" ? clip.value : null,
        waveform: waveform.status === "fulfilled" ? waveform.value : null,
        spectrogram: spectrogram.status === "fulfilled" ? spectrogram.value : null,
        error: clip.status === "fulfilled" ? null
          : "The sound could not be loaded. Skip it (S), or reload the page if every sound fails.",
      };
    },
    show(item, prepared) {
      if (item.id !== shownId) { shownId = item.id; wantPlay = false; }
      audio.pause();
      cancelAnimationFrame(frame);
      frame = 0;
      const p = prepared || {};
      peaks = p.waveform && Array.isArray(p.waveform.peaks) ? p.waveform.peaks : null;
      duration = p.waveform && Number(p.waveform.duration) ? Number(p.waveform.duration) : 0;
      // Still loading is no error: its own class and role, so that nobody (reader or test)
      // takes the placeholder for the failure it may never become.
      const text = prepared ? p.error || "" : "Loading the sound…";
      message.className = prepared ? "al-media-error" : "al-media-loading al-muted";
      message.setAttribute("role", prepared ? "alert" : "status");
      message.hidden = !text;
      message.textContent = text;
      spectro.hidden = !p.spectrogram;
      // Without a spectrogram, the hidden one stays; a prepared image already on screen is this one.
      if (p.spectrogram && p.spectrogram.image !== spectroImg) {
        spectroImg.replaceWith(p.spectrogram.image);
        spectroImg = p.spectrogram.image;
      }
      if (p.clipUrl) audio.src = p.clipUrl; else audio.removeAttribute("src");
      audio.currentTime = 0;
      audio.playbackRate = speed;
      tick();
      if ((autoplay || wantPlay) && p.clipUrl) { wantPlay = false; play(); }
    },
    command: apply,
    dispose(prepared) {
      if (prepared && prepared.clipUrl) URL.revokeObjectURL(prepared.clipUrl);
      if (prepared && prepared.spectrogram) URL.revokeObjectURL(prepared.spectrogram.url);
    },
    get audio() { return audio; },
  };
}
