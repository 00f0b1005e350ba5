"""LSTM gates and states: name the gate (or state, or activation) from its role. Short text answer.

Sources: Hochreiter & Schmidhuber, "Long Short-Term Memory" (Neural Computation, 1997); Gers, Schmidhuber
& Cummins, "Learning to Forget: Continual Prediction with LSTM" (Neural Computation, 2000) for the forget
gate; the PyTorch docs of ``torch.nn.LSTM``:
``i_t = sigma(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)``, ``f_t = sigma(...)``, ``g_t = tanh(...)``,
``o_t = sigma(...)``, ``c_t = f_t * c_{t-1} + i_t * g_t``, ``h_t = o_t * tanh(c_t)``.
"""

from generator.answers import ShortText
from generator.question import Question

#: (question, accepted answers, explanation): one is drawn per variant.
PROMPTS = (
    (r"Which gate decides what information to erase from the cell state \(c_{t-1}\)?",
     ("forget gate", "forget", "the forget gate", "forget-gate", "f_t"),
     (r"the \textbf{forget gate} \(f_t\) multiplies \(c_{t-1}\) element-wise: entries near 0 erase, entries near "
      r"1 keep.")),
    (r"Which gate decides how much of the new candidate values \(g_t\) is written into the cell state?",
     ("input gate", "input", "the input gate", "input-gate", "i_t"),
     (r"the \textbf{input gate} \(i_t\) scales the candidate \(g_t\) in \(i_t \odot g_t\) before it is added to "
      r"the cell state.")),
    ((r"Which gate decides how much of the squashed cell state \(\tanh(c_t)\) is exposed as the hidden state "
      r"\(h_t\)?"),
     ("output gate", "output", "the output gate", "output-gate", "o_t"),
     r"the \textbf{output gate} \(o_t\) gives \(h_t = o_t \odot \tanh(c_t)\)."),
    ((r"Which internal vector of an LSTM carries long-term information from step to step, and is updated by "
      r"adding gated new candidate values to a gated copy of its previous value?"),
     ("cell state", "cell", "the cell state", "memory cell", "cell memory", "cell-state", "c_t"),
     (r"the \textbf{cell state} \(c_t = f_t \odot c_{t-1} + i_t \odot g_t\); because it is updated by "
      r"addition, gradients can flow along it over many steps when \(f_t \approx 1\).")),
    ((r"Which activation function do the input, forget and output gates use, so that their values lie between "
      r"0 and 1?"),
     ("sigmoid", "logistic", "logistic sigmoid", "sigmoid function", "logistic function", "the sigmoid",
      "σ", "sigma"),
     (r"the \textbf{sigmoid} \(\sigma(z) = 1/(1+e^{-z})\); a gate must act as a soft switch between 0 (block) "
      r"and 1 (pass).")),
    ((r"Which activation function produces the candidate values \(g_t\) (and squashes \(c_t\) before the output "
      r"gate), with values between \(-1\) and \(1\)?"),
     ("tanh", "hyperbolic tangent", "the hyperbolic tangent", "tanh function"),
     r"the \textbf{hyperbolic tangent} \(\tanh\), which lets candidate values be negative as well as positive."),
)
#: Words an answer may add or leave out ("the sigmoid function", "forget gate f_t", "cell state vector").
OPTIONAL_WORDS = ("gate", "function", "activation", "nonlinearity", "vector")


class LstmGateRoles(Question):
    id = "dl/rnn/lstm-gate-roles"
    title = "LSTM gates: name the gate from its role"
    topic = "rnn"
    tags = ("lstm", "gates", "concepts")
    difficulty = "beginner"
    source = "seed papers 000 (Minor-I, Q3, forget-gate activation), 001 (Q22, LSTM memory) and 002 (Q3b)"
    stem = r"""
Consider a standard LSTM cell (as in PyTorch's \texttt{torch.nn.LSTM}), which at every time step \(t\) updates
its internal state vectors through three gates. <<question>> Answer with its name (one or two words).
"""
    solution = r"""
Answer: <<explanation>> For reference, the LSTM update is
\[ \begin{aligned}
i_t &= \sigma(W_i x_t + U_i h_{t-1} + b_i), & f_t &= \sigma(W_f x_t + U_f h_{t-1} + b_f), \\
o_t &= \sigma(W_o x_t + U_o h_{t-1} + b_o), & g_t &= \tanh(W_g x_t + U_g h_{t-1} + b_g), \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t, & h_t &= o_t \odot \tanh(c_t).
\end{aligned} \]
"""

    def draw(self, rng):
        return {"prompt": int(rng.integers(0, len(PROMPTS)))}

    def working(self, p):
        i = p["prompt"]
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(PROMPTS):
            raise ValueError(f"prompt must be an integer from 0 to {len(PROMPTS) - 1}")
        question, _, explanation = PROMPTS[i]
        return {"question": question, "explanation": explanation}

    def solve(self, p):
        self.working(p)
        return ShortText(PROMPTS[p["prompt"]][1], optional_words=OPTIONAL_WORDS)
