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
