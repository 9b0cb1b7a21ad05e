"""Reading the plotly figures that AppTest saw a page draw."""

import base64
import json

import numpy as np


def figure(at, key):
    """The plotly figure (as a dict) drawn by st.plotly_chart(..., key=key)."""
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-" + key)]
    assert len(charts) == 1, f"expected one chart with key {key}"
    return json.loads(charts[0].proto.spec)


def array(value):
    """A plotly array: a plain list, or numpy's typed array {'dtype', 'bdata', 'shape'}."""
    if isinstance(value, dict):
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return a.reshape([int(s) for s in str(value.get("shape", a.size)).split(",")])
    return np.asarray(value)


def axis_titles(at):
    """{chart key: {axis name: its title}} of every chart AppTest saw, for the axes that show
    their ticks (an image's hidden axes have nothing to label); colour bars count as axes."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        titles = {}
        for name, axis in spec["layout"].items():
            if name[:5] in ("xaxis", "yaxis") and axis.get("visible", True) \
                    and axis.get("showticklabels", True):
                titles[name] = (axis.get("title") or {}).get("text")
        for trace in spec["data"]:
            if trace.get("type") == "heatmap" and trace.get("showscale", True):
                titles["colorbar"] = ((trace.get("colorbar") or {}).get("title") or {}).get("text")
        out[chart.proto.id.split("-", 2)[-1]] = titles  # "$$ID-<hash>-<key>"
    return out
