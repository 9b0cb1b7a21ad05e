"""Text from users (file names, cells of their files) shown as it is, never as markdown.

st.error, st.info, st.markdown and st.caption render markdown: a file named
"![t](http://host/x.png)" would become an image the browser fetches, "**x**" bold text, and a
"$" the start of a formula. Every piece of user-supplied text that goes into such an element is
passed through literal() first; nn_core's error messages quote file contents, so they go
through it too.
"""

import re

# The marks that start markdown (links, images, emphasis, code, HTML, headings, tables) and
# Streamlit's extras (":red[...]" colours, ":material/...:" icons, "$...$" formulas), each
# escaped with a backslash as CommonMark allows. Commas, full stops and hyphens are left alone:
# alone inside a sentence they start nothing.
_MARKS = re.compile(r"([\\`*_{}\[\]()<>#+!|~$:&])")


def literal(text):
    """text with every markdown mark escaped, so it shows exactly as written."""
    return _MARKS.sub(r"\\\1", str(text))


def a_digit(d):
    """"an 8", "a 7": the digit with its article, for sentences about one drawing."""
    return f"{'an' if int(d) == 8 else 'a'} {int(d)}"


def count(n, word):
    """"1 run", "3 runs": a number with its noun, singular or plural."""
    return f"{n} {word}{'' if n == 1 else 's'}"
