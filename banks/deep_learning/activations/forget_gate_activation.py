"""Which functions can serve as the activation of an LSTM forget gate?

A gate multiplies a state element-wise and must lie in [0, 1] (0 = erase, 1 = keep); a function whose
range leaves [0, 1] cannot be a forget gate. Sources: Hochreiter & Schmidhuber 1997; Gers, Schmidhuber &
Cummins 2000 (forget gate with the logistic sigmoid); Greff et al. 2017 ("LSTM: a search space odyssey").
"""

from generator.answers import Option, multiple_choice
from generator.question import Question

#: (function, reason): functions with range inside [0, 1].
USABLE = (
    (r"\(a(z) = \dfrac{1}{1 + e^{-z}}\)", r"the logistic sigmoid has range \((0, 1)\); it is the standard choice."),
    (r"\(a(z) = \min\!\left(1, \max(0, z)\right)\)", r"a clipped ReLU has range \([0, 1]\)."),
    (r"\(a(z) = \tfrac{1}{2}\left(1 + \tanh z\right)\)", r"shifting and halving tanh gives range \((0, 1)\) (it equals \(\sigma(2z)\))."),
    (r"\(a(z) = \max\!\left(0, \min\!\left(1, \tfrac{z + 1}{2}\right)\right)\)", r"the hard sigmoid has range \([0, 1]\)."),
    (r"\(a(z) = e^{-z^2}\)", r"its range is \((0, 1]\), so it can scale a state (although it is not monotone)."),
    (r"\(a(z) = \dfrac{1}{1 + e^{z}}\)", r"this is \(\sigma(-z)\), range \((0, 1)\)."),
)
#: (function, reason): functions whose range leaves [0, 1].
NOT_USABLE = (
    (r"\(a(z) = \tanh z\)", r"tanh takes values in \((-1, 1)\); a negative gate would flip the sign of the memory."),
    (r"\(a(z) = \ln(1 + e^{z})\)", r"softplus is unbounded above, so the cell state could grow without limit."),
    (r"\(a(z) = \max(0, z)\)", r"ReLU is unbounded above, so the gate could amplify the memory."),
    (r"\(a(z) = z\)", r"the identity can be negative or larger than 1."),
    (r"\(a(z) = e^{z}\)", r"the exponential exceeds 1 for \(z > 0\)."),
    (r"\(a(z) = z^2\)", r"a square is unbounded above."),
)


class ForgetGateActivation(Question):
    id = "dl/activations/forget-gate-activation"
    title = "Activations usable for an LSTM forget gate"
    topic = "activations"
    tags = ("activations", "lstm", "gates", "concepts")
    difficulty = "intermediate"
    source = "seed paper 000 (Minor-I Q3, activation of the LSTM forget gate)"
    points = 2.0
    stem = r"""
The forget gate of an LSTM multiplies the previous cell state element-wise, \(c_t = f_t \odot c_{t-1} + \dots\),
with \(f_t = a(W_f x_t + U_f h_{t-1} + b_f)\). Select \textbf{all} functions \(a\) that
<% if polarity %>\textbf{can}<% else %>\textbf{cannot}<% endif %> serve as the forget gate's activation,
given that a gate value must lie between 0 (erase) and 1 (keep).
"""
    solution = r"""
<% for o in answer.options %>
(<<loop.index0|letter>>) <<o.text_tex>>: <% if o.correct %>\textbf{select}<% else %>do not select<% endif %>; <<o.rationale>>\par
<% endfor %>
"""

    def draw(self, rng):
        return {"polarity": bool(rng.integers(0, 2))}

    def solve(self, p):
        usable = [Option(f, rationale=why) for f, why in USABLE]
        not_usable = [Option(f, rationale=why) for f, why in NOT_USABLE]
        if p["polarity"]:
            return multiple_choice(usable, not_usable, n_options=4, n_correct=(1, 3))
        return multiple_choice(not_usable, usable, n_options=4, n_correct=(1, 3))
