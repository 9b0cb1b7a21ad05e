"""A class in real browsers: a teacher creates it, three students join, train and share, and the
board shows their three runs by refreshing on its own, without a reload.

Each person is a browser context of their own (their own cookies and tabs), all on a server of
this module with a teacher key (conftest.class_server). With SCREENSHOTS=1 the board is saved as
docs/screenshots/class_board.png.
"""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from browser_driver import (
    PLOTLY,
    alerts,
    check_clean,
    click_button,
    click_nav,
    goto,
    key,
    new_context,
    open_page,
    plotly_trace_lengths,
    plotly_traces,
    rerun_after,
    shoot,
)
from conftest import FAILURES_DIR, TEACHER_KEY
from test_train import wait_active

# (nickname, λ, seed): three students, three λ.
STUDENTS = [("Ada", 0.1, 1), ("<b>Bo</b>", 1, 2), ("Cy **3**", 10, 3)]


@pytest.fixture
def people(browser, request):
    contexts = [new_context(browser) for _ in range(1 + len(STUDENTS))]
    yield contexts
    for i, c in enumerate(contexts):  # a failure leaves each person's page in test-results/
        if getattr(request.node, "failed_call", False):
            FAILURES_DIR.mkdir(exist_ok=True)
            for j, pg in enumerate(c.pages):
                try:
                    pg.screenshot(path=str(FAILURES_DIR / f"class_board_person{i}_{j}.png"))
                except Exception:  # noqa: BLE001 - a failure screenshot must never hide the failure
                    pass
        c.close()


def query(page, name):
    return parse_qs(urlparse(page.url).query).get(name, [None])[0]


def type_into(page, name, text):
    """Type text into the st.text_input made with key=name and send it (Enter), as a user does."""
    box = page.locator(f"{key(name)} input")
    box.fill(text)
    rerun_after(page, lambda: box.press("Enter"))


def create_class(page, server):
    goto(page, server, "/Class")
    type_into(page, "teacher_key", TEACHER_KEY)
    click_button(page, "teacher_unlock")
    click_button(page, "class_create")
    page.wait_for_function("() => location.search.includes('class=')")
    assert TEACHER_KEY not in page.url
    return query(page, "class")


def wait_alert(page, text):
    """Wait for a message box saying text (a click's run may end after the quiet time)."""
    try:
        page.locator('[data-testid="stAlert"]', has_text=text).first.wait_for(timeout=30_000)
    except Exception as error:
        raise AssertionError(f"no message saying {text!r}; the page says {alerts(page)}") from error


def join_train_and_share(page, server, code, nickname, lambd, seed):
    # 3 iterations: quick, and enough to make runs whose accuracies differ (a busy machine shared
    # with other tests makes 30 iterations of three students too slow for this test's timeouts).
    goto(page, server, f"/Train?maxiter=3&hidden_size=9&lambd={lambd}&seed={seed}", timeout=180_000)
    click_button(page, "train_go")
    wait_active(page, "3 it")
    click_nav(page, "Class")
    type_into(page, "class_code", code.lower())
    type_into(page, "class_nickname", nickname)
    click_button(page, "class_join")
    wait_alert(page, "You joined class")
    assert query(page, "class") == code
    click_nav(page, "Train")  # the page link keeps the workspace and the class
    click_button(page, "class_share")
    wait_alert(page, "is on the board of class")


def board_says(page, n):
    shared = f"{n} run shared" if n == 1 else f"{n} runs shared"
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=shared, timeout=90_000)


def wait_points(chart, n, timeout=30.0):
    """Wait until the plotly chart inside `chart` draws n points: the text above a chart comes
    first in a redraw of the board's fragment, the chart a moment later."""
    deadline = time.monotonic() + timeout
    while (found := sum(plotly_trace_lengths(chart))) != n:
        assert time.monotonic() < deadline, f"expected {n} points on the chart, found {found}"
        time.sleep(0.5)


def test_three_students_share_and_the_board_shows_them_without_a_reload(people, class_server):
    teacher_ctx, *student_ctxs = people
    teacher = open_page(teacher_ctx)
    code = create_class(teacher, class_server)
    board_says(teacher, 0)
    teacher.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads

    students = [open_page(c) for c in student_ctxs]
    first = students[0]
    join_train_and_share(first, class_server, code, *STUDENTS[0])
    click_nav(first, "Class")
    board_says(first, 1)
    first.evaluate("() => { window.__sameDocument = true; }")
    for page, student in zip(students[1:], STUDENTS[1:]):
        join_train_and_share(page, class_server, code, *student)

    for page in (teacher, first):  # both boards refresh on their own, without a reload
        board_says(page, 3)
        assert page.evaluate("() => window.__sameDocument === true")
        # .first: while the fragment redraws, the old chart and the new one may both be there.
        page.locator(f"{key('class_sweep_chart')} {PLOTLY}").first.wait_for()
        lambda_chart = page.locator(key("class_lambda_chart")).first
        wait_points(lambda_chart, 3)
        (xs,) = plotly_traces(lambda_chart, "x")
        (names,) = plotly_traces(lambda_chart, "text")
        assert sorted(xs, key=float) == ["0.1", "1", "10"]
        assert sorted(names) == sorted(["Ada", "&lt;b&gt;Bo&lt;/b&gt;", "Cy **3**"])  # as text
    # Every 5 s the board's fragment draws itself again: count the teacher's buttons once a
    # redraw is complete, not in the middle of one.
    teacher.wait_for_function(
        "() => document.querySelectorAll('[class*=\"st-key-class_remove_\"]').length === 3",
        timeout=30_000)
    assert first.locator('[class*="st-key-class_remove_"]').count() == 0  # only the teacher
    best = first.locator('[data-testid="stMarkdown"]', has_text="on validation ·").first.inner_text()
    assert any(best.startswith(f"{name}:") for name, *_ in STUDENTS), best  # as typed, not markup
    first.locator(key("class_use_best")).wait_for()
    shoot(first, "class_board")
    for page in (teacher, *students):
        check_clean(page)
