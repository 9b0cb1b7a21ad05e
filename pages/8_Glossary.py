"""Glossary: every technical word the dashboard uses, in plain language (ui.glossary)."""

import streamlit as st

from ui import glossary, nav
from ui.text import literal

st.set_page_config(page_title="Glossary", page_icon="📖", layout="wide")
nav.sidebar()
st.title("Glossary: the words, in plain language")
st.write("Every technical word the dashboard uses, explained once. The same words appear in the "
         "**?** next to a knob, a number or a heading, wherever the word is used.")
query = st.text_input("Find a word", key="glossary_find", placeholder="for example λ, a3 or saliency")
found = [(t, d) for t, d in glossary.GLOSSARY.items()
         if query.strip().lower() in (t + " " + d).lower()]
if not found:
    st.info(f"No word or definition contains “{literal(query.strip())}”. Try a shorter part of it.")
for term, definition in sorted(found, key=lambda td: td[0].lower()):
    st.markdown(f"**{term}** — {definition}")
