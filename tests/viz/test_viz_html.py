import html
import re
import shutil
import struct
import tempfile
import zlib

import pytest
from viz_fixtures import two_layer

from tinygrad_edu import viz

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    loss, params, _ = two_layer()
    path = tmp_path_factory.mktemp("html") / "steps.html"
    viz.save_html(loss, path, params=params)
    return path, viz.backward_steps(loss)


def test_page_is_self_contained(page):
    path, _ = page
    text = path.read_text(encoding="utf-8")
    for external in ("http://", "https://", "src=", "href=", "@import", "url(", "//cdn"):
        assert external not in text, external
    assert "<script>" in text and "<style>" in text and "<svg" in text


def test_one_frame_per_backward_step(page):
    path, steps = page
    text = path.read_text(encoding="utf-8")
    frames = re.findall(r'<section class="frame" data-step="(\d+)"', text)
    assert [int(i) for i in frames] == list(range(len(steps)))
    assert text.count("<svg") == len(steps)
    # each frame names its op and local derivative, and highlights the current op node
    for step in steps:
        assert f"Step {step.index + 1} of {len(steps)}:" in text
    assert text.count('class="node current"') == len(steps)
    assert "∂ = G·σ(1 − σ)" in text


def test_frames_show_values_names_and_the_derivative_with_numbers(page):
    path, steps = page
    text = path.read_text(encoding="utf-8")
    # every tensor node in every frame shows its forward value (beside its gradient)
    tensors_per_frame = 15
    assert len(re.findall(r'font-style="italic"[^>]*>value</text>', text)) == tensors_per_frame * len(steps)
    sigmoid = next(s for s in steps if s.op == "sigmoid")
    assert "forward: <code>A2 = σ(Z2)</code>" in text
    assert f"<pre class='worked'>{html.escape(sigmoid.worked[0])}</pre>" in text
    assert "·(1 − [[" in sigmoid.worked[0]       # σ(1 − σ) with σ's numbers in
    # the loss's inner steps carry names, not their op's
    assert "dL/d(A2 − Y)" in text and "dL/d(A2 − Y)²" in text
    assert "dL/dsub" not in text and "dL/dpow" not in text
    ops = {s.op for s in steps}
    assert not ops & {name for s in steps for name in (s.output_name, *s.input_names)}


def _chromium():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is needed for the browser test")
    return chromium


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = _chromium()
    driver = shutil.which("chromedriver")
    if not driver:
        pytest.skip("chromedriver is needed for the browser test")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="tg-edu-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options), profile


@pytest.mark.browser
def test_clicking_through_the_steps_in_a_real_browser(page):
    path, steps = page
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser, profile = _browser()
    try:
        browser.get(path.resolve().as_uri())

        def visible():
            shown = [f for f in browser.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed()]
            assert len(shown) == 1
            return shown[0].find_element(By.CSS_SELECTOR, "h2").text

        def position():
            return browser.find_element(By.ID, "position").text

        assert visible().startswith(f"Step 1 of {len(steps)}") and steps[0].op in visible()
        assert browser.find_element(By.ID, "prev").get_attribute("disabled") is not None
        nxt, prev = browser.find_element(By.ID, "next"), browser.find_element(By.ID, "prev")
        for _ in range(3):
            nxt.click()
        assert visible() == f"Step 4 of {len(steps)}: {steps[3].op}" and position() == f"step 4 / {len(steps)}"
        prev.click()
        assert visible() == f"Step 3 of {len(steps)}: {steps[2].op}"
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert visible() == f"Step 5 of {len(steps)}: {steps[4].op}"
        assert browser.find_element(By.ID, "slider").get_attribute("value") == "4"
        for _ in range(len(steps) + 2):  # clamps at the last step
            browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert visible().startswith(f"Step {len(steps)} of {len(steps)}")
        assert browser.find_element(By.ID, "next").get_attribute("disabled") is not None
        # page.html#fit&step=3 opens fitted to the window at step 3
        browser.get("about:blank")
        browser.get(path.resolve().as_uri() + "#fit&step=3")
        assert visible() == f"Step 3 of {len(steps)}: {steps[2].op}"
        assert "fit" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_too_many_steps_is_refused_clearly(tmp_path):
    from viz_fixtures import chain
    loss, _ = chain(30)
    n = len(viz.backward_steps(loss))
    assert n == 61  # 30 × (mul, sigmoid) + sum
    with pytest.raises(ValueError, match=f"{n} steps, more than max_steps=20"):
        viz.save_html(loss, tmp_path / "x.html", max_steps=20)
    assert not (tmp_path / "x.html").exists()


# --- first paint: screenshots at two window sizes, read pixel by pixel -----------------------

WINDOW_SIZES = [(1024, 700), (1300, 1000)]
HEADER_BACKGROUND, HEADER_BORDER, WHITE = (250, 250, 250), (204, 204, 204), (255, 255, 255)


def read_png(data: bytes) -> list:
    """Rows of (r, g, b) pixels: with PIL when installed, else by decoding the PNG here."""
    try:
        from PIL import Image
    except ImportError:
        return decode_png(data)
    import io
    image = Image.open(io.BytesIO(data)).convert("RGB")
    raw, stride = image.tobytes(), 3 * image.width
    return [[tuple(raw[y * stride + x:y * stride + x + 3]) for x in range(0, stride, 3)]
            for y in range(image.height)]


def decode_png(data: bytes) -> list:
    """A minimal PNG decoder (8-bit RGB or RGBA, not interlaced; what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows, above = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = above[i], (above[i - channels] if i >= channels else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        above = line
    return rows


def _share(pixels, colour, tolerance=3) -> float:
    return sum(all(abs(a - b) <= tolerance for a, b in zip(p, colour)) for p in pixels) / max(len(pixels), 1)


def assert_first_paint_looks_right(rows, width, height):
    """The header fills the top rows (no white band above it); below its border, the step's
    text (the left 300 pixels) and the graph (the right half) both have ink (not a blank page)."""
    assert (len(rows[0]), len(rows)) == (width, height)
    for y in range(0, 24):
        assert _share(rows[y], HEADER_BACKGROUND) > 0.5, f"row {y} is not the header's background"
    border = next((y for y in range(24, 150) if _share(rows[y], HEADER_BORDER) > 0.9), None)
    assert border is not None, "no header border line in the top 150 rows"
    text = [p for row in rows[border + 1:] for p in row[:300]]
    graph = [p for row in rows[border + 1:] for p in row[width // 2:]]
    assert 1 - _share(text, WHITE, 0) > 0.02, "the step's text is blank"
    assert 1 - _share(graph, WHITE, 0) > 0.05, "the graph area is blank"


@pytest.mark.browser
@pytest.mark.parametrize("width,height", WINDOW_SIZES)
def test_plain_headless_screenshot_at_first_paint(page, tmp_path, width, height):
    """What `chromium --headless --screenshot` sees, with no script of ours driving it."""
    from tinygrad_edu.viz.gallery import screenshot_html
    path, _ = page
    _chromium()
    shot = screenshot_html(path, tmp_path / f"plain_{width}x{height}.png", size=(width, height))
    assert shot is not None, "chromium wrote no screenshot"
    assert_first_paint_looks_right(read_png(open(shot, "rb").read()), width, height)


@pytest.mark.browser
def test_first_paint_in_a_driven_browser_at_two_sizes(page, tmp_path):
    """The window does not scroll; the header is at the top; the current op is inside the graph
    pane (centred there, not by scrolling the page); the screenshot has the header and ink."""
    path, _ = page
    from selenium.webdriver.common.by import By
    browser, profile = _browser()
    try:
        for width, height in WINDOW_SIZES:
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
            browser.get("about:blank")
            browser.get(path.resolve().as_uri())
            assert browser.execute_script("return [window.scrollX, window.scrollY]") == [0, 0]
            assert browser.find_element(By.TAG_NAME, "header").rect["y"] == 0
            pane = browser.execute_script("var r = document.querySelector('.frame:not([hidden]) .graph')"
                                          ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]")
            node = browser.execute_script("var r = document.querySelector('.frame:not([hidden]) .current')"
                                          ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]")
            assert pane[0] <= node[0] and node[2] <= pane[2] and pane[1] <= node[1] and node[3] <= pane[3]
            png = browser.get_screenshot_as_png()
            (tmp_path / f"driven_{width}x{height}.png").write_bytes(png)
            assert_first_paint_looks_right(read_png(png), width, height)
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_png_decoder_agrees_with_pil(tmp_path):
    """The fallback decoder, checked on an image with every PNG filter (PIL picks them per row)."""
    Image = pytest.importorskip("PIL.Image")
    import io

    import numpy as np
    rng = np.random.default_rng(0)
    smooth = np.cumsum(rng.integers(0, 3, size=(40, 50, 3)), axis=1).astype(np.uint8)
    noisy = rng.integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    for array, mode in ((np.concatenate([smooth, noisy]), "RGB"),
                        (np.concatenate([smooth, noisy])[..., :1].repeat(4, axis=2), "RGBA")):
        buffer = io.BytesIO()
        Image.fromarray(array, mode).save(buffer, format="PNG")
        assert decode_png(buffer.getvalue()) == read_png(buffer.getvalue())
