"""Resizing digit images: one function, used for the data set and for drawings alike.

The network only recognises what looks like its training data, so a drawing must
be shrunk exactly the way the 28x28 MNIST digits were shrunk to 20x20 (or 8x8).
Pillow's antialiasing (Lanczos) filter averages each output pixel over the input
pixels it covers, instead of dropping pixels.
"""

import numpy as np
from PIL import Image


def resize(img, shape):
    """A 2-D float image in [0, 1] resized to shape (rows, cols), antialiased, clipped to [0, 1]."""
    img = np.asarray(img, dtype=np.float32)
    if img.shape == tuple(shape):
        return img.astype(np.float64)
    out = Image.fromarray(img).resize((shape[1], shape[0]), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(out, dtype=np.float64), 0.0, 1.0)


def resize_batch(images, shape):
    """resize() for each image of a (m, rows, cols) stack; returns (m, rows*cols)."""
    return np.stack([resize(im, shape).ravel() for im in images])
