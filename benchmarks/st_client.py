"""A Streamlit client without a browser: one session over the real websocket, as the browser does.

How it works
1. connect() opens ws://host:port/_stcore/stream (subprotocol "streamlit", as the browser asks)
   and a task reads every ForwardMsg from it: the pages of the app (new_session / navigation),
   the elements of the current run by their delta path (a full run starts them afresh), the
   URL's query string (page_info_changed), script_finished, and st.fragment(run_every=...)'s
   auto_rerun timers.
2. Every widget element carries its id, which ends with the widget's key
   ("$$ID-<hash>-train_go"): widget(key) finds it, and the fragment it was drawn in.
3. rerun(...) sends a BackMsg rerun_script with the page's script hash, the query string and
   the widget states the session holds (as the browser's widget manager: values stay, triggers
   are sent once). click(key) sets a trigger_value, set_value(key, ...) a value of the widget's
   kind; both rerun the widget's fragment only when it is in one, as the browser does.
4. While no request of ours is running, each auto_rerun timer sends rerun_script with its
   fragment_id and is_auto_rerun, every `interval` seconds, until a full run starts (which
   registers the fragments it still draws again) or the server sends stop_auto_rerun.
5. wait_until(predicate) waits for the elements to show something (an answer, a verdict).
Only what the dashboard's pages need is spoken; file uploads and media are not.
"""

import asyncio
import json
import re
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
# Which WidgetState field a widget's value goes in (the server registers each with that type).
VALUE_FIELD = {"number_input": "double_value", "slider": "double_array_value",
               "text_input": "string_value", "text_area": "string_value",
               "checkbox": "bool_value", "bidi_component": "json_value"}


class StreamlitClientError(RuntimeError):
    """The server did not do what was asked: it answered with an exception, or not in time."""


def element_text(element):
    """The words an element shows (markdown, alerts, metrics, headings, text, code, exceptions)."""
    kind = element.WhichOneof("type")
    e = getattr(element, kind) if kind else None
    if kind in ("markdown", "alert", "text", "heading"):
        return e.body
    if kind == "metric":
        return f"{e.label}: {e.body}"
    if kind == "code":
        return e.code_text
    if kind == "exception":
        return f"{e.type}: {e.message}"
    return ""


class StreamlitClient:
    """One browser tab's session, spoken over the websocket. Use `async with`."""

    def __init__(self, url, timeout=300.0):
        parsed = urlparse(url)
        self.ws_url = f"ws://{parsed.netloc}/_stcore/stream"
        self.timeout = timeout
        self.ws = None
        self.pages = {}  # url_pathname ("" for Home) -> page_script_hash
        self.page_hash = ""
        self.query_string = parsed.query
        self.elements = {}  # delta path -> (Element, fragment_id), the current run's
        self.states = {}  # widget id -> WidgetState the session holds (values, not triggers)
        self.timers = {}  # fragment_id -> asyncio.Task sending its auto reruns
        self.runs = []  # [script_run_id, fragment ids, ScriptFinishedStatus or None], in order
        self.running = False
        self.pending = False  # a rerun of ours has not finished yet
        self.error = None
        self._changed = asyncio.Event()
        self._reader = None

    async def __aenter__(self):
        # max_size None: a page's plotly figures can be megabytes in one ForwardMsg.
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        for task in [*self.timers.values(), self._reader]:
            task.cancel()
        await self.ws.close()

    # --- what the server sends ------------------------------------------------------------

    async def _read(self):
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
                self._changed.set()
        except websockets.ConnectionClosed as closed:
            self.error = f"the server closed the websocket: {closed}"
            self._changed.set()

    def _handle(self, msg):
        kind = msg.WhichOneof("type")
        if kind in ("new_session", "navigation"):
            pages = getattr(msg, kind).app_pages
            self.pages.update({p.url_pathname: p.page_script_hash for p in pages})
            if getattr(msg, kind).page_script_hash:  # the page this run draws
                self.page_hash = getattr(msg, kind).page_script_hash
            # Every run starts with new_session; a full run (no fragment ids) draws everything
            # anew and registers again the fragments it still draws.
            if kind == "new_session":
                self.running = True
                run = msg.metadata.run
                self.runs.append([run.script_run_id, tuple(run.fragment_ids), None])
            if kind == "new_session" and not msg.metadata.run.fragment_ids:
                self.elements.clear()
                for task in self.timers.values():
                    task.cancel()
                self.timers.clear()
        elif kind == "delta":
            path = tuple(msg.metadata.delta_path)
            if msg.delta.WhichOneof("type") == "new_element":
                self.elements[path] = (msg.delta.new_element, msg.delta.fragment_id)
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.running = msg.session_status_changed.script_is_running
        elif kind == "script_finished":
            for run in self.runs[::-1]:
                if run[0] == msg.metadata.run.script_run_id:
                    run[2] = msg.script_finished
                    break
            if msg.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
                self.running = False
            if msg.script_finished == FINISHED.FINISHED_SUCCESSFULLY:
                # As the browser's widget manager: forget the widgets the full run did not draw.
                drawn = {self._widget_id(e) for e, _ in self.elements.values()}
                self.states = {wid: s for wid, s in self.states.items() if wid in drawn}
        elif kind == "auto_rerun":
            fid, every = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fid in self.timers:
                self.timers[fid].cancel()
            self.timers[fid] = asyncio.create_task(self._auto_rerun(fid, every))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self.timers.pop(fid, None)
                if task:
                    task.cancel()

    async def _auto_rerun(self, fragment_id, every):
        while True:
            await asyncio.sleep(every)
            if not self.pending and not self.running:
                await self._send(fragment_id=fragment_id, auto=True)

    # --- what the session shows ----------------------------------------------------------------

    def texts(self):
        return [t for e, _ in self.elements.values() if (t := element_text(e))]

    def find_text(self, pattern):
        """The first match of the regular expression in the page's texts, or None."""
        for text in self.texts():
            if found := re.search(pattern, text):
                return found
        return None

    def alerts(self, kind="SUCCESS"):
        return [e.alert.body for e, _ in self.elements.values()
                if e.WhichOneof("type") == "alert" and e.alert.format == getattr(e.alert, kind)]

    @staticmethod
    def _widget_id(element):
        """The id a widget element carries ("$$ID-<hash>-<key>"), or "" for other elements."""
        kind = element.WhichOneof("type")
        wid = getattr(getattr(element, kind), "id", "") if kind else ""
        return wid if isinstance(wid, str) else ""

    def widget(self, key):
        """(kind, id, fragment_id) of the widget with this key in the current run, or None."""
        for element, fragment_id in self.elements.values():
            if self._widget_id(element).endswith("-" + key):
                return element.WhichOneof("type"), self._widget_id(element), fragment_id
        return None

    def exception(self):
        for element, _ in self.elements.values():
            if element.WhichOneof("type") == "exception":
                return element_text(element)
        return None

    # --- what the session asks ---------------------------------------------------------------

    async def _send(self, page_hash=None, fragment_id="", auto=False, extra=()):
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_hash if page_hash is None else page_hash
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        rerun.widget_states.widgets.extend([*self.states.values(), *extra])
        await self.ws.send(msg.SerializeToString())

    async def rerun(self, page=None, fragment_id="", extra=()):
        """Run the script (page: its URL path, e.g. "Train"; "" for Home) and wait for its end."""
        page_hash = None if page is None else self.pages.get(page)
        if page is not None and page_hash is None:  # the first run: the server knows no pages yet
            msg_page = page
        else:
            msg_page = None
        mark = len(self.runs)
        self.pending = True
        try:
            if msg_page is not None:
                msg = BackMsg()
                msg.rerun_script.query_string = self.query_string
                msg.rerun_script.page_name = msg_page
                await self.ws.send(msg.SerializeToString())
            else:
                await self._send(page_hash, fragment_id, extra=extra)
            await self.wait_until(lambda: self._answered(mark, fragment_id, page_hash),
                                  what="the script run to finish")
        finally:
            self.pending = False
        if error := self.exception():
            raise StreamlitClientError(f"the page raised {error}")

    def _answered(self, mark, fragment_id, page_hash):
        """Has a run started since runs[mark] answered the request? A run of the fragment asked
        for, or a full run (a fragment's st.rerun() ends in one), on the page asked for, that
        finished; an auto rerun sent just before the request may finish first and does not count."""
        if self.running or (page_hash and self.page_hash != page_hash):
            return False
        done = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        return any(status in done and (not ids or (fragment_id and fragment_id in ids))
                   for _, ids, status in self.runs[mark:])

    async def open(self, page=""):
        await self.rerun(page=page)

    async def click(self, key):
        kind, wid, fragment_id = self._widget_or_fail(key)
        await self.rerun(fragment_id=fragment_id, extra=[WidgetState(id=wid, trigger_value=True)])

    async def set_value(self, key, value):
        """Give the widget a value, as a visitor does (typing, dragging, drawing): it reruns."""
        kind, wid, fragment_id = self._widget_or_fail(key)
        state = WidgetState(id=wid)
        field = VALUE_FIELD.get(kind)
        if field == "double_array_value":
            state.double_array_value.data.extend(value if isinstance(value, list) else [value])
        elif field == "json_value":
            state.json_value = json.dumps(value)
        elif field is not None:
            setattr(state, field, value)
        else:
            raise StreamlitClientError(f"widget {key} is a {kind}: expected one of "
                                       f"{', '.join(VALUE_FIELD)}")
        self.states[wid] = state
        await self.rerun(fragment_id=fragment_id)

    def _widget_or_fail(self, key):
        found = self.widget(key)
        if found is None:
            raise StreamlitClientError(f"no widget with key {key!r} on the page (found keys: "
                                       f"{sorted(self._keys())})")
        return found

    def _keys(self):
        ids = (self._widget_id(e) for e, _ in self.elements.values())
        return [wid.split("-", 2)[-1] for wid in ids if wid.startswith("$$ID-")]

    async def wait_until(self, predicate, timeout=None, what="the page"):
        """Wait until predicate() is true, checked after every message from the server."""
        deadline = asyncio.get_running_loop().time() + (timeout or self.timeout)
        while not predicate():
            if self.error:
                raise StreamlitClientError(self.error)
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise StreamlitClientError(f"timed out after {timeout or self.timeout:.0f} s "
                                           f"waiting for {what}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass
