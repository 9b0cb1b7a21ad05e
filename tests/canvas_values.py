"""What the Draw page's canvas sends, for AppTest: st_canvas's component value for a drawing.

The browser sends the drawing as a PNG data URL (see docs/browser-testing.md); AppTest tests put
the same value under the canvas's key in session state.
"""

import numpy as np
from PIL import Image

from benchmarks.load_test import canvas_value  # the load test's sessions draw the same way
from nn_core.digits.datasets import load_dataset, split_dataset

CANVAS_KEY = "draw_canvas_0"  # the canvas's key before Clear is ever pressed

__all__ = ["CANVAS_KEY", "canvas_value", "mnist_canvas_value"]


def mnist_canvas_value(digit):
    """A drawing of `digit`: the first test-split MNIST one, as a 300 x 300 canvas."""
    test = split_dataset(load_dataset("mnist-28x28"), seed=0).test
    img = test.images()[np.flatnonzero(test.y == digit)[0]]
    grey = Image.fromarray((img * 255).astype(np.uint8)).resize((300, 300), Image.Resampling.BILINEAR)
    rgba = Image.merge("RGBA", (grey, grey, grey, Image.new("L", grey.size, 255)))
    return canvas_value(np.asarray(rgba))
