"""Every technical word the dashboard uses, explained once, in plain language.

How it works
1. GLOSSARY maps a term, written as the pages write it, to one plain definition: what it is and
   why a learner meets it here. The wizard of the tutorial is the network; his studies are training.
2. Pages show a definition where the word appears: explain("z3", "a3") is a help text for a
   widget, metric, header or caption (the "?" tooltip), and the same words fill the Glossary page.
3. tests/test_glossary.py renders every page and fails when a page uses a listed technical word
   that has no entry, when an entry is used by no page, or when a page uses a word without the
   tooltip that explains it.
"""

import re

GLOSSARY = {
    # --- the network's numbers, in the tutorial's notation ---
    "a1": "The input layer: the 400 pixel values of one digit (20 × 20), each between 0 and 1. "
          "It is what the wizard looks at.",
    "z2": "The hidden layer's weighted sums: each hidden unit multiplies every pixel by its weight "
          "in W1, adds them up and adds its bias. z2 = W1 [1; a1].",
    "a2": "The hidden layer's activations: z2 squeezed by the sigmoid into numbers between 0 and 1. "
          "Each is one feature the wizard invented, how strongly it is present in this digit.",
    "z3": "The output layer's weighted sums, one per digit 0-9: z3 = W2 [1; a2]. The larger z3 for a "
          "digit, the more the network leans towards it.",
    "a3": "The 10 outputs: z3 squeezed by the sigmoid into numbers between 0 and 1, one per digit. "
          "The answer is the digit with the largest a3; a3 near 1 means the network is sure.",
    "W1": "The weights from the pixels to the hidden units: one row per hidden unit, a bias first "
          "and then one weight per pixel. Shown as an image, a row is what that unit looks for.",
    "W2": "The weights from the hidden units to the 10 outputs: one row per digit, a bias first "
          "and then one weight per hidden unit (how much that unit votes for that digit).",
    "bias": "A weight that is added whatever the input (the first column of W1 and W2): it lets a "
            "unit be on or off by default. Regularization leaves it alone.",
    "hidden unit": "One of the network's invented features (25 in the tutorial): a unit that "
                   "looks at all the pixels through its row of W1 and passes one number on.",
    "sigmoid": "The squashing function 1 / (1 + e^−z): any number in, a number between 0 and 1 "
               "out. Its slope is a(1 − a), largest at a = 0.5 and almost 0 when a is near 0 or 1.",
    "hidden layer": "A row of hidden units that all look at the layer before them. The tutorial's "
                    "wizard has one; give him two or three and the later ones build their features "
                    "out of the earlier ones' (strokes, then loops, then whole digits), at the price "
                    "of more weights to learn.",
    "tanh": "Another squashing function for the hidden units: like the sigmoid but from −1 to 1, "
            "centred on 0, so a unit can say \"no\" as firmly as \"yes\". Its slope is 1 − a².",
    "ReLU": "The rectified linear unit, max(0, z): a hidden unit that is off for a negative sum "
            "and passes a positive one on unchanged. Its slope is 0 or 1, so its error does not "
            "fade as it goes back through the layers; deeper networks often learn faster with it.",
    "softmax": "An output function that makes the 10 outputs share one whole: each is e^z divided "
               "by the sum of all ten, so they are between 0 and 1 and add up to 1, the wizard's "
               "confidence spread over the digits. (Sigmoid outputs each answer on their own.)",
    "dead unit": "A ReLU hidden unit that outputs 0 on every training digit: its slope is 0 "
                 "there, so backprop never changes its weights and it stays off for good.",
    "saturated": "A sigmoid or tanh unit pushed onto one of its flat ends (a sigmoid near 0 or "
                 "1) by a large weighted sum: its slope is almost 0, so it barely learns.",
    "one-hot": "A label written as 10 numbers with a single 1: the digit 3 is "
               "0 0 0 1 0 0 0 0 0 0. It is what the 10 outputs a3 are compared with.",
    # --- learning ---
    "cost J": "One number for how wrong the network is on the training digits (its cross-entropy "
              "averaged over the digits), plus the regularization penalty. Training makes it "
              "smaller.",
    "cross-entropy": "How the cost J scores one output: −log of the probability given to the right "
                     "answer, so being sure and wrong costs a lot and being sure and right "
                     "costs almost nothing.",
    "λ": "The regularization strength (lambda). λ = 0 lets the weights grow as large as they "
         "like; a larger λ makes big weights cost more, so the network stays simpler. The "
         "tutorial uses 0.1.",
    "regularization": "A penalty on large weights added to the cost J, (λ / 2m) × the sum of the "
                      "squared weights, biases left out. It keeps the wizard from memorising "
                      "the training digits.",
    "backprop": "Backpropagation: the way to get the slope of J for every weight at once, by "
                "carrying each output's error backwards through the layers (delta3, then "
                "delta2).",
    "delta3": "The output layer's error for one digit: a3 − y, what the network said minus the "
              "one-hot answer. Backprop starts from it.",
    "delta2": "The hidden layer's error: delta3 carried back through W2 and multiplied by the "
              "sigmoid's slope a2(1 − a2). It says how much each hidden unit was to blame.",
    "gradient": "The slope of the cost J for every weight: which way, and how steeply, J goes up "
                "when that weight grows. Training steps the other way, downhill.",
    "gradient norm": "The length of the gradient, all slopes taken together: large far from the "
                     "bottom of the valley, near 0 when training has nothing left to gain.",
    "gradient checking": "Testing backprop the slow, sure way: nudge each weight by a tiny ε up and "
                         "down, watch J change, and compare that slope with backprop's.",
    "relative difference": "How far backprop's gradient is from the gradient checking slope, as a "
                           "fraction of their size. 1e-9 (written like 7.71e-11 for 0.0000000000771) "
                           "means they agree; 1e-2 or more means backprop is wrong.",
    "iteration": "One step of the optimizer: it looks at J and its gradient, and moves all the "
                 "weights once. One iteration may need several evaluations of J.",
    "maxiter": "The most iterations training may take before it stops, whether or not it has "
               "reached the bottom. The tutorial uses 20.",
    "learning rate": "How long a step plain gradient descent takes: W ← W − learning rate × "
                     "gradient. Too small and it crawls; too large and it jumps over the valley.",
    "GD": "Plain gradient descent: step downhill with a fixed learning rate. Simple, and slow, "
          "which is why the tutorial uses L-BFGS-B.",
    "L-BFGS-B": "The tutorial's optimizer (from scipy): it remembers its last few steps to guess "
                "how the valley curves, and chooses its own step size. No learning rate to tune.",
    "CG": "Conjugate gradient, another optimizer from scipy: each step goes in a direction that "
          "does not undo the previous steps' progress.",
    "TNC": "Truncated Newton, another optimizer from scipy: it takes a few inner steps to estimate "
           "the valley's curvature before each move.",
    "seed": "The number that starts the random number generator: the same seed gives the same "
            "random start weights (and the same split), so a run can be repeated exactly.",
    "symmetry": "If all hidden units started with equal weights they would get equal gradients "
                "and stay identical forever, one feature 25 times. Small random start weights "
                "break the symmetry.",
    # --- judging a model ---
    "training set": "The digits the network studies: training only ever looks at these.",
    "validation": "Digits kept aside from training and used to compare settings (λ, hidden size, "
                  "iterations). Validation decides which model is best.",
    "test": "Digits kept aside from everything and looked at once, at the end, for an honest "
            "final score. Choosing settings by the test score would make it optimistic.",
    "accuracy": "The share of digits whose predicted digit (the largest a3) equals the label.",
    "overfitting": "Learning the training digits by heart, quirks included: training accuracy "
                   "high, validation accuracy lower. A larger λ or more data helps.",
    "bias and variance": "Two ways to be wrong. High bias: too simple, wrong on training and "
                         "validation alike. High variance: fits the training digits but not new "
                         "ones (overfitting), so more examples or a larger λ help.",
    "learning curve": "Training and validation accuracy as the number of training digits grows: "
                      "a gap that stays open means high variance.",
    "seed spread": "How much a result changes when only the seed changes: the noise any "
                   "difference between two settings must beat before it means something.",
    "error bar": "A line through a point from the lowest to the highest of the results it "
                 "averages: how far they scatter. On the class board it is the seed spread of one λ.",
    # --- a class ---
    "class code": "Ten letters and digits such as K7QX2-MP9RT that name your class on this "
                  "server: whoever has it can join and see the class board, nobody can guess one.",
    "teacher key": "A password set on the server (teacher_key in .streamlit/secrets.toml or "
                   "NN_DIGITS_TEACHER_KEY), never in a link: it lets a teacher create classes and "
                   "remove runs from a class board.",
    # --- looking inside ---
    "saliency": "A map of which pixels moved the answer most: the slope of one digit's score z3 "
                "with respect to every pixel a1, ∂z3/∂a1, drawn as an image.",
    "∂z3/∂a1": "How much digit d's score z3 changes when one pixel of a1 gets a little brighter: "
               "positive pixels argue for d, negative ones against.",
    "PCA": "Principal component analysis: a way to draw 400-number digits on a flat map, along "
           "the two directions in which the digits differ most.",
    "principal component": "One of PCA's directions: a pattern of pixels along which the digits "
                           "vary most. The percentage is the share of all variation it shows.",
    "box plot": "A chart of many numbers at once: the box holds the middle half, the line in it "
                "is the median, and the whiskers reach the smallest and largest.",
    "confusion matrix": "A 10 × 10 table: row = the true digit, column = the digit the network "
                        "said. The diagonal is right; everything else is a mistake, by kind.",
    # --- files ---
    "column-major": "Pixels stored column by column (the tutorial's Octave/MATLAB order) instead "
                    "of row by row. Read in the wrong order, a digit comes out transposed.",
    "row-major": "Pixels stored row by row, top row first (numpy's order, and this dashboard's). "
                 "The tutorial's files store them column by column instead (column-major).",
    "transposed": "Flipped over the diagonal from top left to bottom right: rows become columns. "
                  "A digit read in the wrong pixel order comes out transposed, so a 7's top bar "
                  "lands on its left edge.",
    "class order": "The tutorial numbers its 10 classes 1 to 10, with the digit 0 as class 10: "
                   "row 1 of its W2 is digit 1 and the last row is digit 0. This dashboard uses "
                   "digit order, 0 to 9.",
    "converted twice": "The tutorial's labels go 1-10 with the digit 0 as 10. Converting 1-10 "
                       "to 0-9 twice shifts every digit by one more, so each output answers "
                       "for the wrong digit.",
}


# Words explained by a longer entry: "high variance" is one half of "bias and variance".
ALIASES = {"high variance": "bias and variance", "high bias": "bias and variance",
           "memorised": "overfitting"}


def uses(text, term):
    """Whether text uses term as a word of its own ("test" in "a test digit", not in "tested");
    terms in lower case match in any case, names such as "W1" or "ReLU" exactly."""
    flags = re.IGNORECASE if term.islower() else 0
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags) is not None


def words_in(text):
    """The glossary's terms that text uses, in glossary order."""
    return [t for t in GLOSSARY if uses(text, t)]


def explain_words(text):
    """A tooltip explaining every glossary word in text (None when it uses none)."""
    return explain(*words_in(text)) or None


def explain(*terms):
    """The definitions of these terms as one help text (a widget's "?" tooltip, in markdown)."""
    return "\n\n".join(f"**{t}**: {GLOSSARY[t]}" for t in terms)


def markdown(container, body):
    """container.markdown(body), with a ? explaining the glossary words it uses."""
    return container.markdown(body, help=explain_words(body))


def caption(container, body):
    """container.caption(body), with a ? explaining the glossary words it uses."""
    return container.caption(body, help=explain_words(body))
