"""The ipywidgets of `amortex.widgets` in a real browser: JupyterLab + headless Chromium (Playwright).

Runs `tests/browser/widgets.ipynb` in a fresh JupyterLab server, then drives every widget through the DOM
and checks that its rendered view (`.amortex-view`) changes, i.e. that the kernel round trip works.

DOM contract the notebook's widgets follow (see the fixture notebook):
  roots:    `.amortex-explorer` (x3, plus `.amortex-kind-image|text|tabular`), `.amortex-stepper`, `.amortex-table`
  view:     `.amortex-view` inside each root (an ipywidgets.HTML; its innerHTML changes with the controls)
  controls: first `.widget-slider .noUi-handle` (sample index / step), `.amortex-method select`, `.amortex-metric select`
  the last cell prints AMORTEX-WIDGETS-READY.

Skips when Chromium (`/usr/bin/chromium` or `$AMORTEX_CHROMIUM`) or the `playwright` package is missing,
unless `AMORTEX_BROWSER_TEST=required` (CI), which turns the skip into a failure.
Screenshots go to `$AMORTEX_SCREENSHOTS` (default `tests/_screenshots/`).
"""
import json, os, secrets, shutil, signal, socket, subprocess, sys, time, urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / 'browser' / 'widgets.ipynb'
READY = 'AMORTEX-WIDGETS-READY'
KINDS = ('image', 'text', 'tabular')
CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync']
SERVER_START_TIMEOUT = 90    # s until /api/status answers
KERNEL_IDLE_TIMEOUT = 90     # s until the kernel indicator shows idle
RUN_TIMEOUT = 180            # s for Run All (the real notebook trains small models)
CHANGE_TIMEOUT = 30          # s for one kernel round trip (control change -> new view)
T0 = time.monotonic()


def _log(msg): print(f'[browser {time.monotonic() - T0:6.1f}s] {msg}', flush=True)


def _skip_or_fail(reason):
    if os.environ.get('AMORTEX_BROWSER_TEST', '').lower() == 'required':
        pytest.fail(f'browser test required (AMORTEX_BROWSER_TEST=required) but {reason}', pytrace=False)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _kernel_pids(marker):
    "PIDs of processes whose command line mentions `marker` (our private runtime dir: kernels started by our server)."
    pids = []
    for p in Path('/proc').iterdir():
        if not p.name.isdigit() or int(p.name) == os.getpid(): continue
        try: cmd = (p / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
        except OSError: continue
        if marker in cmd: pids.append(int(p.name))
    return pids


def _stop(proc, timeout=20):
    "terminate -> wait -> kill, by PID"
    if proc.poll() is not None: return
    proc.send_signal(signal.SIGTERM)
    try: proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill(); proc.wait(timeout=10)


@contextmanager
def _jupyterlab(tmp):
    "A fresh JupyterLab server rooted at `tmp`; yields (base_url, token, log_path); always stopped by its PID."
    settings, workspaces, runtime, config = (tmp / d for d in ('lab-settings', 'lab-workspaces', 'runtime', 'config'))
    for d in (workspaces, runtime, config): d.mkdir(parents=True, exist_ok=True)
    def write_settings(ext, values):
        f = settings / ext
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(values))
    write_settings('@jupyterlab/apputils-extension/notification.jupyterlab-settings',
                   {'fetchNews': 'false', 'checkForUpdates': False})
    # render every cell (no virtual scrolling), so that all widget roots are in the DOM
    write_settings('@jupyterlab/notebook-extension/tracker.jupyterlab-settings', {'windowingMode': 'none'})
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}',
           '--ServerApp.port_retries=0', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={tmp}',
           f'--LabApp.user_settings_dir={settings}', f'--LabApp.workspaces_dir={workspaces}']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: cmd.append('--allow-root')
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(config),
               PYTHONUNBUFFERED='1')
    log_path = tmp / 'jupyterlab.log'
    log = open(log_path, 'wb')
    proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f'http://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f'JupyterLab exited with code {proc.returncode} before answering; log:\n'
                            f'{log_path.read_text(errors="replace")[-5000:]}', pytrace=False)
            try:
                with urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=5) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.monotonic() > deadline:
                pytest.fail(f'JupyterLab did not answer /api/status within {SERVER_START_TIMEOUT}s; log:\n'
                            f'{log_path.read_text(errors="replace")[-5000:]}', pytrace=False)
            time.sleep(0.5)
        _log(f'JupyterLab up on port {port} (pid {proc.pid})')
        yield base, token, log_path
    finally:
        _stop(proc)
        log.close()
        # the server shuts its kernels down on SIGTERM; kill any that survived (a SIGKILLed server leaves them)
        left = _kernel_pids(str(runtime))
        for pid in left:
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
        _log(f'JupyterLab stopped (rc {proc.returncode})' + (f'; killed orphan kernels {left}' if left else ''))


@pytest.fixture(scope='module')
def shots():
    return Path(os.environ.get('AMORTEX_SCREENSHOTS') or HERE / '_screenshots')


@pytest.fixture(scope='module')
def page(tmp_path_factory, shots):
    "The fixture notebook, run to the end in JupyterLab in headless Chromium."
    chromium = os.environ.get('AMORTEX_CHROMIUM') or '/usr/bin/chromium'
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        _skip_or_fail(f'no Chromium executable at {chromium} (set AMORTEX_CHROMIUM, or apt-get install chromium)')
    try: from playwright.sync_api import sync_playwright
    except ImportError as e: _skip_or_fail(f'the playwright package is not importable (pip install playwright): {e}')

    shots.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path_factory.mktemp('lab')
    nb = json.loads(FIXTURE.read_text())
    nb.setdefault('metadata', {})['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    (tmp / FIXTURE.name).write_text(json.dumps(nb, indent=1))

    with _jupyterlab(tmp) as (base, token, log_path), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            pg = browser.new_page(viewport={'width': 1280, 'height': 1000})
            pg.set_default_timeout(30_000)
            errors = []
            pg.on('pageerror', lambda e: errors.append(str(e)))
            try:
                _open_and_run(pg, base, token, FIXTURE.name)
            except BaseException:
                _shot(pg, shots / 'failure-run.png')
                print(f'page errors: {errors}\nserver log tail:\n{log_path.read_text(errors="replace")[-3000:]}')
                raise
            pg.screenshot(path=str(shots / 'notebook.png'), full_page=True)
            yield pg
            pg.screenshot(path=str(shots / 'notebook-after.png'), full_page=True)
        finally:
            browser.close()


def _shot(pg, path):
    try: pg.screenshot(path=str(path), full_page=True)
    except Exception as e: print(f'screenshot {path} failed: {e}')


def _api(base, token, path):
    with urllib.request.urlopen(f'{base}{path}?token={token}', timeout=5) as r: return json.loads(r.read())


def _open_and_run(pg, base, token, name):
    t = time.monotonic()
    pg.goto(f'{base}/lab/tree/{name}?token={token}')
    # Wait until the page's kernel is idle AND connected. The toolbar indicator alone says 'idle' a moment before
    # the kernel's websocket is up, and a Run All issued then is silently lost (seen here). Dismiss a
    # "Select Kernel" dialog if one shows up (it should not: the kernelspec is in the metadata).
    idle = pg.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    dialog_accept = pg.locator('.jp-Dialog .jp-Dialog-button.jp-mod-accept')
    deadline = time.monotonic() + KERNEL_IDLE_TIMEOUT
    while True:
        if dialog_accept.count():
            _log('dismissing a dialog: ' + pg.locator('.jp-Dialog').first.inner_text().replace('\n', ' ')[:80])
            dialog_accept.first.click()
        if idle.count():
            kernels = _api(base, token, '/api/kernels')
            if any(k.get('connections', 0) >= 1 and k.get('execution_state') == 'idle' for k in kernels): break
        if time.monotonic() > deadline:
            raise AssertionError(f'kernel not idle and connected within {KERNEL_IDLE_TIMEOUT}s')
        time.sleep(0.25)
    _log(f'notebook open, kernel idle ({time.monotonic() - t:.1f}s)')

    t = time.monotonic()
    ready = pg.locator('.jp-OutputArea-output', has_text=READY)
    error = pg.locator('.jp-OutputArea-output', has_text='Traceback (most recent call last)')
    # a cell that has started shows [*] or [n] in its prompt
    started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(e => /\\[[*0-9]/.test(e.textContent))"
    deadline = time.monotonic() + RUN_TIMEOUT
    for attempt in range(1, 4):
        pg.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click()
        pg.get_by_role('menuitem', name='Run All Cells', exact=True).click()
        t_click = time.monotonic()
        while not pg.evaluate(started) and time.monotonic() - t_click < 15: time.sleep(0.25)
        if pg.evaluate(started): break
        _log(f'Run All #{attempt}: no cell started within 15s, retrying')
    else: raise AssertionError('Run All Cells did not start any cell (3 tries)')
    # Fail fast if a cell raised: JupyterLab renders errors as stderr text with a traceback, and after an error
    # the queued cells are dropped, so no prompt shows [*] any more while READY never comes.
    running = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(e => e.textContent.includes('*'))"
    stopped_since = None
    while not ready.count():
        if error.count():
            raise AssertionError(f'a cell raised while running the notebook:\n{error.first.inner_text()[-3000:]}')
        if pg.evaluate(running): stopped_since = None
        elif stopped_since is None: stopped_since = time.monotonic()
        elif time.monotonic() - stopped_since > 5 and not ready.count():
            raise AssertionError(f'the notebook stopped before printing {READY}; outputs:\n' + '\n---\n'.join(
                t[-1500:] for t in pg.locator('.jp-OutputArea-output').all_inner_texts()[-3:]))
        if time.monotonic() > deadline:
            raise AssertionError(f'{READY} not printed within {RUN_TIMEOUT}s')
        time.sleep(0.5)
    _log(f'Run All done ({time.monotonic() - t:.1f}s)')


def _wait_change(view, before, what):
    deadline, now = time.monotonic() + CHANGE_TIMEOUT, time.monotonic()
    while time.monotonic() < deadline:
        html = view.inner_html()
        if html != before:
            _log(f'{what}: view changed ({time.monotonic() - now:.1f}s)')
            return html
        time.sleep(0.2)
    raise AssertionError(f'{what}: .amortex-view did not change within {CHANGE_TIMEOUT}s (innerHTML {before[:200]!r})')


def _move_slider(root, view, what):
    before = view.inner_html()
    handle = root.locator('.widget-slider').first.locator('.noUi-handle').first
    handle.scroll_into_view_if_needed()
    at_max = handle.get_attribute('aria-valuenow') == handle.get_attribute('aria-valuemax')
    handle.focus()
    handle.press('ArrowLeft' if at_max else 'ArrowRight')
    return _wait_change(view, before, what)


def _change_select(root, css, view, what):
    before = view.inner_html()
    select = root.locator(f'{css} select').first
    n, cur = select.evaluate('s => [s.options.length, s.selectedIndex]')
    assert n >= 2, f'{what}: {css} has {n} option(s), need 2 to change it'
    select.select_option(index=(cur + 1) % n)
    return _wait_change(view, before, what)


def _view(root, what):
    view = root.locator('.amortex-view').first
    assert view.count(), f'{what}: no .amortex-view inside the root'
    html = view.inner_html()
    assert view.inner_text().strip() or '<img' in html, f'{what}: .amortex-view is empty: {html[:200]!r}'
    assert 'Error displaying widget' not in root.inner_text(), f'{what}: {root.inner_text()[:300]}'
    return view


def test_widgets_render(page, shots):
    explorers, steppers, tables = (page.locator(c) for c in ('.amortex-explorer', '.amortex-stepper', '.amortex-table'))
    assert explorers.count() == 3, f'{explorers.count()} .amortex-explorer roots, expected 3'
    for kind in KINDS:
        assert page.locator(f'.amortex-explorer.amortex-kind-{kind}').count() == 1, f'no .amortex-kind-{kind} explorer'
    assert steppers.count() == 1, f'{steppers.count()} .amortex-stepper roots, expected 1'
    assert tables.count() == 1, f'{tables.count()} .amortex-table roots, expected 1'
    for i in range(3): _view(explorers.nth(i), f'explorer {i}')
    _view(steppers.first, 'stepper'); _view(tables.first, 'table')
    assert 'Error displaying widget' not in page.locator('.jp-Notebook').inner_text()


@pytest.mark.parametrize('kind', KINDS)
def test_explorer_responds(page, shots, kind):
    root = page.locator(f'.amortex-explorer.amortex-kind-{kind}').first
    view = _view(root, f'{kind} explorer')
    try:
        _move_slider(root, view, f'{kind} explorer: sample slider')
        _change_select(root, '.amortex-method', view, f'{kind} explorer: method dropdown')
    finally: root.screenshot(path=str(shots / f'explorer-{kind}.png'))


def test_stepper_responds(page, shots):
    root = page.locator('.amortex-stepper').first
    view = _view(root, 'stepper')
    try: _move_slider(root, view, 'stepper: step slider')
    finally: root.screenshot(path=str(shots / 'stepper.png'))


def test_table_responds(page, shots):
    root = page.locator('.amortex-table').first
    view = _view(root, 'table')
    try: _change_select(root, '.amortex-metric', view, 'table: metric dropdown')
    finally: root.screenshot(path=str(shots / 'table.png'))
