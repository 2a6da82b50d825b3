"""Support for the browser tests and the UI benchmark: test data, a real local server, Chromium.

Everything is generated here (scikit-learn's bundled iris, pillow drawings, numpy sines); the
server is the real ``active-labeling serve`` on a real socket, with a fresh workspace.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT / "tests") not in sys.path:  # text_corpus.py, shared with the other tests
    sys.path.insert(0, str(REPO_ROOT / "tests"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]
CATEGORIES = {"tabular": ["setosa", "versicolor", "virginica"],
              "text": ["news", "clickbait", "unsure"],
              "image": ["dark", "light", "unsure"],
              "sound": ["low", "mid", "high"]}
VIEWPORT = {"width": 1280, "height": 800}
# What `serve` needs besides --kind and --data for each kind's generated data.
KIND_ARGS = {"text": ["--text-column", "headline", "--columns", "source"]}
# Texts of the browser session: markup that must show as text, and spaces and line breaks to keep.
TRICKY_TEXTS = ['<img src=x onerror="document.title=\'pwned\'"> & <b>not bold</b>',
                "  two leading spaces,\n\nan empty line,   three spaces\tand a tab"]
PAGE_HEADERS = {"X-Requested-With": "active-labeling"}  # what the labeling page sends (docs/api.md)


# ------------------------------------------------------------------------------- test data
def make_tabular(folder: Path) -> Path:
    """Iris as CSV, plus a text column with long, short and empty values."""
    from sklearn.datasets import load_iris

    # Without the species column: the annotator is to find it, not read it.
    frame = load_iris(as_frame=True).frame.drop(columns="target")
    # A unique note per row (long every fifth row), and a column with some empty values.
    frame["note"] = [f"Field note {i}" + (": petals measured twice, the stem was bent by the wind." * 12
                                          if i % 5 == 0 else "") for i in range(len(frame))]
    frame["collector"] = ["" if i % 7 == 0 else ("Ana", "Bo", "Chen")[i % 3] for i in range(len(frame))]
    path = folder / "iris.csv"
    frame.to_csv(path, index=False)
    return path


def make_images(folder: Path, count: int = 40) -> Path:
    """PNG drawings: a disc on a colored background, different for each file."""
    from PIL import Image, ImageDraw

    target = folder / "images"
    target.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        image = Image.new("RGB", (640, 480), ((40 + 37 * i) % 256, (90 + 53 * i) % 256, (160 + 71 * i) % 256))
        draw = ImageDraw.Draw(image)
        shade = 20 if i % 2 else 235
        draw.ellipse((120 + 3 * i, 80, 440 + 3 * i, 400), fill=(shade, shade, shade))
        draw.rectangle((20, 20, 60 + 4 * i, 50), fill=(250, 250, 250))
        image.save(target / f"shape-{i:03d}.png")
    return target


def make_sounds(folder: Path, count: int = 40, seconds: float = 1.5, rate: int = 22050) -> Path:
    """WAV files: sines of different pitch with a fade, one per file."""
    import numpy as np
    import soundfile

    target = folder / "sounds"
    target.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.minimum(1.0, np.minimum(t, seconds - t) * 8)
    for i in range(count):
        pitch = 180.0 * 2 ** (i / 12)
        wave = 0.4 * envelope * np.sin(2 * np.pi * pitch * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 2 * t))
        soundfile.write(target / f"tone-{i:03d}.wav", wave.astype("float32"), rate)
    return target


def make_texts(folder: Path, count: int = 24, chars: Optional[int] = None) -> Path:
    """Headlines to label as CSV (``headline``, ``source``).

    By default a mix that the browser session labels almost entirely: a quarter right-to-left, a
    quarter of 5,000 characters (paragraphs), one missing, markup and whitespace (``TRICKY_TEXTS``);
    with ``chars``, every text has that many characters (the UI benchmark's).
    """
    from text_corpus import headlines, long_text

    if chars:
        import numpy as np

        rng = np.random.default_rng(0)
        table = headlines(count)
        table["headline"] = [long_text(rng, label, i, chars) for i, label in enumerate(table["label"])]
    else:
        table = headlines(count, rtl=0.25, long=0.25, long_chars=5000)
        table.loc[3, "headline"] = None
        for offset, text in enumerate(TRICKY_TEXTS):
            table.loc[5 + 2 * offset, "headline"] = text
    path = folder / "headlines.csv"
    table[["headline", "source"]].to_csv(path, index=False)
    return path


def make_data(kind: str, folder: Path, count: int = 40) -> Path:
    """The data of ``kind`` in ``folder`` (``count`` files for images and sounds; iris has 150 rows;
    texts: see :func:`make_texts`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "tabular":
        return make_tabular(folder)
    if kind == "text":
        return make_texts(folder)
    return {"image": make_images, "sound": make_sounds}[kind](folder, count)


# ------------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli() -> str:
    candidate = Path(sys.executable).parent / "active-labeling"
    return str(candidate) if candidate.exists() else "active-labeling"


class LabelingServer:
    """``active-labeling serve`` as a subprocess on a free port, with a fresh workspace."""

    def __init__(self, kind: str, data: Path, workspace: Path, categories: Sequence[str],
                 extra: Sequence[str] = (), annotator: str = "tester"):
        self.kind = kind
        self.workspace = workspace
        self.categories = list(categories)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [_cli(), "serve", "--kind", kind, "--data", str(data), "--categories", ",".join(categories),
                   "--workspace", str(workspace), "--port", str(self.port), "--annotator", annotator,
                   *KIND_ARGS.get(kind, []), *extra]
        self.log = workspace.parent / f"server-{self.port}.log"
        workspace.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log, "w")  # noqa: SIM115 - open while the server runs
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(command, stdout=self._log_file, stderr=subprocess.STDOUT, env=env,
                                        cwd=str(workspace.parent))
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()}")
            try:
                self.get("/api/config")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the server did not answer: {self.log.read_text()}") from None
                time.sleep(0.1)

    def get(self, path: str) -> Any:
        request = urllib.request.Request(self.url + path, headers=PAGE_HEADERS)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))

    def history(self) -> List[Dict[str, Any]]:
        """Every entry of the annotator's history through ``GET /api/history``, oldest first."""
        entries = []
        entry = self.get("/api/history")["entry"]
        while entry is not None:
            entries.append(entry)
            entry = self.get(f"/api/history?before={entry['label_id']}")["entry"]
        return entries[::-1]

    def decision_rows(self) -> List[Dict[str, Any]]:
        """Rows of the metadata (every decision ever appended), read-only from the workspace."""
        return self.rows("SELECT * FROM decisions ORDER BY label_id")

    def rows(self, query: str) -> List[Dict[str, Any]]:
        """Rows of a query on the workspace database, opened read-only."""
        db = next(self.workspace.glob("*.sqlite"))
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            cursor = connection.execute(query)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def export(self, out: Path):
        """``active-labeling export`` of the workspace as CSV: (labels, metadata) DataFrames."""
        import pandas as pd

        subprocess.run([_cli(), "export", "--workspace", str(self.workspace), "--format", "csv",
                        "--out", str(out)], check=True, capture_output=True, timeout=60)
        read = {"keep_default_na": False}
        return pd.read_csv(out / "labels.csv", **read), pd.read_csv(out / "metadata.csv", **read)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log_file.close()


# ------------------------------------------------------------------------------- the browser
def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_app(browser, url: str):
    """A new page (fresh storage) on the app, once it shows its first item."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    wait_ready(page)
    return page


def wait_ready(page) -> None:
    page.wait_for_selector(".al-app[data-ready=true]", timeout=15000)
    page.wait_for_function("document.querySelector('.al-stage').dataset.itemId", timeout=15000)


def current_id(page) -> str:
    return page.evaluate("document.querySelector('.al-stage').dataset.itemId || ''")


def press_and_wait_change(page, key: str) -> str:
    """Press ``key`` and wait until another item is on screen; return the new item's id."""
    before = current_id(page)
    page.keyboard.press(key)
    page.wait_for_function("(b) => { const id = document.querySelector('.al-stage').dataset.itemId;"
                           " return id && id !== b; }", arg=before, timeout=20000)
    return current_id(page)


def wait_all_saved(page, timeout: float = 15000) -> None:
    page.wait_for_function("document.querySelector('.al-sync').dataset.pending === '0'", timeout=timeout)


def paint_samples(page, kind: Optional[str] = None) -> List[float]:
    samples = page.evaluate("(window.__labelingMetrics || {samples: []}).samples")
    return [s["ms"] for s in samples if kind is None or s["kind"] == kind]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[index]
