"""The sidebar: one list of the app's pages, "Home" first, drawn by every page.

Streamlit's own page list is switched off (.streamlit/config.toml: client.showSidebarNavigation
= false) because it names the home page after its file, "app". The pages/ folder still gives each
page its URL (/Train, /Draw_and_predict, …); this list only decides what the sidebar shows.
"""

from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from . import class_board, tour, workspace

ROOT = Path(__file__).resolve().parents[1]

# (file, sidebar label), in the order a newcomer takes them.
PAGES = (
    ("app.py", "Home"),
    ("pages/1_Data_explorer.py", "Data explorer"),
    ("pages/2_Train.py", "Train"),
    ("pages/3_Hidden_units.py", "Hidden units"),
    ("pages/4_Draw_and_predict.py", "Draw and predict"),
    ("pages/5_Experiments.py", "Experiments"),
    ("pages/6_Inside_the_network.py", "Inside the network"),
    ("pages/7_Grade_weights.py", "Grade weights"),
    ("pages/9_Class.py", "Class"),
    ("pages/8_Glossary.py", "Glossary"),
)


def sidebar():
    """Draw the page links in the sidebar, the tour's current question when a tour is on, and
    "Your workspace"; every page calls this right after set_page_config, so it is also where
    the session's workspace is put into the URL and loaded (workspace.ensure), and its class
    (class_board.ensure)."""
    ws = workspace.ensure()
    class_board.ensure()
    with st.sidebar:
        _links(ws)
        class_board.sidebar_ui()
        tour.sidebar_box()
        workspace.sidebar_ui()


def _links(ws):
    for path, label in PAGES:
        # An absolute path: it resolves the same whichever script Streamlit runs as the main one.
        try:
            # The workspace id (and the class) go with the link: a page switch keeps ?ws= in the URL.
            st.page_link(str(ROOT / path), label=label,
                         query_params={workspace.PARAM: ws, **class_board.link_params()})
        except StreamlitPageNotFoundError:
            # A page file run on its own as the whole app (AppTest does that) has no other
            # pages to link to; "Home" fails first, so no half list is left behind.
            return
