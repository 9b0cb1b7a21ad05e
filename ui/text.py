"""Text from users (file names, cells of their files) shown as it is, never as markdown.

st.error, st.info, st.markdown and st.caption render markdown: a file named
"![t](http://host/x.png)" would become an image the browser fetches, "**x**" bold text, and a
"$" the start of a formula. Every piece of user-supplied text that goes into such an element is
passed through literal() first; nn_core's error messages quote file contents, so they go
through it too.
"""

import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; Streamlit's extras
# (":red[...]" colours, ":material/...:" icons, "$...$" formulas) are built from the same marks.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text):
    """text with every markdown mark escaped, so it shows exactly as written."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
