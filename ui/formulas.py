"""The network's formulas in LaTeX, written once, for every page's "The maths" (st.latex).

The notation is the tutorial's and nn_core's: a1, z2, a2, z3, a3, delta3, delta2, W1, W2, λ.
Sums of squares skip the bias columns (W[:, 1:]), as nn_core's cost does.
"""

FORWARD = (r"z_2 = W_1 [1; a_1],\quad a_2 = \mathrm{sigmoid}(z_2),\quad "
           r"z_3 = W_2 [1; a_2],\quad a_3 = \mathrm{sigmoid}(z_3)")

PREDICTION = (r"a_3 = \mathrm{sigmoid}\big(W_2 [1; \mathrm{sigmoid}(W_1 [1; a_1])]\big),\qquad "
              r"\text{prediction} = \arg\max_d a_{3,d}")

J = (r"J = -\frac{1}{m}\sum_{i,k}\left[y_k \log a_{3,k} + (1-y_k)\log(1-a_{3,k})\right]"
     r" + \frac{\lambda}{2m}\left(\sum W_1[:,1{:}]^2 + \sum W_2[:,1{:}]^2\right)")

DELTAS = r"\delta_3 = a_3 - y,\qquad \delta_2 = \left(W_2[:,1{:}]^T \delta_3\right) \odot a_2(1-a_2)"

GRADIENT = (r"\frac{\partial J}{\partial W_2} = \frac{1}{m}\sum \delta_3 [1; a_2]^T + \frac{\lambda}{m}W_2,"
            r"\qquad \frac{\partial J}{\partial W_1} = \frac{1}{m}\sum \delta_2 [1; a_1]^T"
            r" + \frac{\lambda}{m}W_1 \quad(\text{no }\lambda\text{ on the bias column})")

GRADIENT_CHECK = (r"\text{numerical}_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}"
                  r"{2\varepsilon},\qquad \text{relative difference} = "
                  r"\frac{\lVert \text{num} - \text{backprop} \rVert}"
                  r"{\lVert \text{num} + \text{backprop} \rVert}")


def unit_delta2(j, back, slope, delta2):
    """Hidden unit j's delta2 worked out, two lines: the formula, then its numbers (the error sent
    back to the unit times its sigmoid's slope)."""
    return (rf"\delta_{{2,{j}}} = \Big(\textstyle\sum_d W_2[d, {j + 1}]\,\delta_{{3,d}}\Big)"
            rf"\; a_{{2,{j}}}(1-a_{{2,{j}}})",
            rf"= ({back:.4f}) \times {slope:.4f} = {delta2:.5f}")


def unit_gradient(j, delta2):
    """Hidden unit j's row of dJ/dW1: delta2_j times the pixels, and delta2_j for the bias."""
    return (rf"\frac{{\partial J}}{{\partial W_1[{j}, 1{{:}}]}} = \delta_{{2,{j}}}\; a_1"
            rf"\qquad \frac{{\partial J}}{{\partial W_1[{j}, 0]}} = \delta_{{2,{j}}} = {delta2:.5f}")
