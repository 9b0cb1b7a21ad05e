"""ui.jobs: long work in a worker thread that a page starts, watches, stops and collects."""

import threading

from streamlit.testing.v1 import AppTest

from ui.jobs import Job


def counting(until=None, gate=None):
    """Work that counts to 1000 in steps, reporting each; stops when report says so."""

    def work(job):
        n = 0
        for n in range(1, 1001):
            if gate is not None:
                gate.wait()
            if job.report(n, 1000, last=n) or (until is not None and n >= until):
                break
        return n

    return work


def test_a_job_runs_to_its_end_and_keeps_its_result():
    job = Job("count")
    job._run(counting())
    assert not job.running and job.result == 1000 and job.error is None
    assert (job.done, job.total, job.info) == (1000, 1000, {"last": 1000})


def test_stop_ends_the_work_at_its_next_report_and_keeps_what_it_reached():
    gate = threading.Event()
    job = Job("count")
    thread = threading.Thread(target=job._run, args=(counting(gate=gate),))
    thread.start()
    job.request_stop()
    gate.set()
    assert job.wait(10)
    assert job.result == 1  # the first report said stop
    assert job.stop_reason == "you"


def test_an_error_in_the_work_is_kept_for_the_page_not_raised_in_the_thread():
    def failing(job):
        job.report(1, 2)
        raise ValueError("λ must be at least 0, found -1")

    job = Job("fail")
    job._run(failing)
    assert not job.running and isinstance(job.error, ValueError) and job.result is None


def page_with_a_job():
    import streamlit as st

    from ui import jobs

    if st.button("start", key="go"):
        jobs.start("count_job", "count", lambda job: sum(range(10_000)))
    ended = jobs.take("count_job")
    if ended is not None:
        st.session_state["shown"] = ended.result
    st.write(f"result: {st.session_state.get('shown')}")


def test_a_page_starts_a_job_and_shows_its_result_on_a_later_run():
    at = AppTest.from_function(page_with_a_job).run()
    at.button(key="go").click().run()
    job = at.session_state["count_job"] if "count_job" in at.session_state else None
    if job is not None:  # still running when that run ended: the next run collects it
        assert job.wait(10)
        at.run()
    assert "count_job" not in at.session_state  # taken: a job's result is shown once
    assert at.markdown[-1].value == f"result: {sum(range(10_000))}"
