"""Class: the runs a class shared, on one board that refreshes on its own."""

import streamlit as st

from ui import class_board as board
from ui import glossary, nav

st.set_page_config(page_title="Class", page_icon="🏫", layout="wide")
nav.sidebar()
st.title("The class board")
glossary.markdown(
    st,
    "Train alone and you meet one λ, one seed, one hidden size. Train as a class and everyone's "
    "runs land on one board: which λ reads new digits best (validation accuracy), how much the "
    "hidden size matters, and how far runs differ by their seed alone. Join with the class code "
    "your teacher gives you; share a run from the Train page.",
)

st.header("Join your class")
board.join_ui()

mine = board.joined()
if mine:
    st.header("The board")
    board.board(mine[0])  # a fragment: redrawn every few seconds while this page is open
else:
    st.info("Join a class to see its board. The board shows only what its students shared, and "
            "only to those who have the code: nobody's workspace or its link is on it.")

st.divider()
board.teacher_ui()
