"""GAN generator losses: gradient of the saturating vs the non-saturating loss w.r.t. the discriminator logit.

Source: Goodfellow et al., "Generative Adversarial Nets" (NeurIPS 2014), section 3: early in training
``log(1 - D(G(z)))`` saturates, so the generator is trained to maximise ``log D(G(z))`` instead.
With ``D(G(z)) = sigmoid(a)``:
``d/da log(1 - sigmoid(a)) = -sigmoid(a)`` and ``d/da [-log sigmoid(a)] = sigmoid(a) - 1``.
"""

import math

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question

TOLERANCE = 0.01  # relative


def _sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a))


class GanGeneratorGradients(Question):
    id = "dl/generative/gan-generator-gradients"
    title = "Saturating and non-saturating GAN generator losses"
    topic = "generative"
    tags = ("gan", "gradients", "loss")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 001 (Q21, generator objectives near D = 0); Goodfellow et al. 2014"
    stem = r"""
In a GAN the discriminator's output on a generated sample is \(D(G(z)) = \sigma(a)\), where
\(\sigma(a) = 1/(1+e^{-a})\) is the logistic sigmoid and \(a\) is the discriminator's logit. For one sample the
logit is \(a = <<logit|num>>\). The generator can be trained to \emph{minimise} either
\[ \begin{aligned}
L_{\text{sat}}(a) &= \ln\bigl(1 - \sigma(a)\bigr) && \text{(the original minimax loss), or}\\
L_{\text{ns}}(a) &= -\ln \sigma(a) && \text{(the non-saturating loss).}
\end{aligned} \]
Give each answer to 3 significant digits (answers within 1\% are accepted).
"""
    solution = r"""
\textbf{(a)} \(D = \sigma(<<logit|num>>) = 1/(1+e^{<<(-logit)|num>>}) = <<d|num>>\).

\textbf{(b)} \(\dfrac{dL_{\text{sat}}}{dD} = -\dfrac{1}{1-D}\) and \(\dfrac{dD}{da} = D(1-D)\), so
\(\dfrac{dL_{\text{sat}}}{da} = -D = <<answer.parts[1].answer.value|num>>\).

\textbf{(c)} \(\dfrac{dL_{\text{ns}}}{dD} = -\dfrac{1}{D}\), so
\(\dfrac{dL_{\text{ns}}}{da} = -\dfrac{D(1-D)}{D} = D - 1 = <<answer.parts[2].answer.value|num>>\).

<% if d < 0.5 %>
The discriminator rejects this sample (\(D < 0.5\)): the saturating loss gives a gradient of magnitude only
\(<<d|num>>\), which vanishes as \(D \to 0\), while the non-saturating loss gives \(<<(1 - d)|num>>\), which tends to 1 as \(D \to 0\).
This is why the non-saturating loss is used early in training.
<% else %>
Here \(D \ge 0.5\): the saturating loss now gives the larger gradient (\(<<d|num>>\) against
\(<<(1 - d)|num>>\)); the non-saturating loss helps when the discriminator rejects the samples (\(D \to 0\)).
<% endif %>
"""

    def draw(self, rng):
        return {"logit": round(float(rng.uniform(-6.0, 2.0)), 1)}

    def working(self, p):
        return {"d": _sigmoid(p["logit"])}

    def solve(self, p):
        a = p["logit"]
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not math.isfinite(a):
            raise ValueError("logit must be a finite number")
        if abs(a) > 30:
            raise ValueError("logit must be between -30 and 30 (D would round to 0 or 1)")
        d = _sigmoid(a)
        return MultiPart((
            Part("a", r"What is the discriminator output \(D(G(z))\)?", Numerical(d, TOLERANCE, relative=True)),
            Part("b", r"What is the gradient \(dL_{\text{sat}}/da\)?", Numerical(-d, TOLERANCE, relative=True)),
            Part("c", r"What is the gradient \(dL_{\text{ns}}/da\)?", Numerical(d - 1, TOLERANCE, relative=True)),
        ))

    def verify(self, p):
        # Independent route: central finite differences of the two losses, computed from
        # D = e^a / (1 + e^a) (a different formula for the sigmoid).
        a, h = float(p["logit"]), 1e-5

        def d_of(x):
            return math.exp(x) / (1.0 + math.exp(x))

        def l_sat(x):
            return math.log(1.0 - d_of(x))

        def l_ns(x):
            return -math.log(d_of(x))

        return [d_of(a), (l_sat(a + h) - l_sat(a - h)) / (2 * h), (l_ns(a + h) - l_ns(a - h)) / (2 * h)]
