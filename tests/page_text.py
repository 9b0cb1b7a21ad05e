"""What a page rendered by AppTest shows as text, and what its "?" tooltips say.

Every string field of every element's message counts as shown (titles, markdown, captions,
labels, options, metric values, the JSON of plotly charts) except `help`, which is the tooltip.
"""


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def shown_and_help(at):
    """(the page's visible text, its tooltips' text), each as one string."""
    shown, helps = [], []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            proto = getattr(node, "proto", None)
            if proto is None:
                continue
            for field, value in proto.ListFields():
                if isinstance(value, str):
                    (helps if field.name == "help" else shown).append(value)
                elif field.type == field.TYPE_STRING:  # repeated strings: options, tab labels
                    shown.extend(list(value))
    return "\n".join(shown), "\n".join(helps)
