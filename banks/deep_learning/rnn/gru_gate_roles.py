"""GRU gates: name the gate (or its LSTM counterpart) from its role. Short text answer.

GRU equations as in the PyTorch docs of ``torch.nn.GRU``: r_t = sigma(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr),
z_t = sigma(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz), n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn)),
h_t = (1 - z_t) * n_t + z_t * h_{t-1}. Sources: Cho et al. 2014 (GRU); Chung et al. 2014 ("Empirical
evaluation of gated recurrent neural networks on sequence modeling", GRU vs LSTM); Hochreiter &
Schmidhuber 1997 and Gers et al. 2000 (LSTM gates). LSTM-only gate questions are in
``rnn_concepts/lstm_gate_roles.py``.
"""

from generator.answers import ShortText
from generator.question import Question

#: key -> (question, accepted answers, explanation for the key)
ROLES = {
    "update": (
        (r"Which GRU gate interpolates between the previous hidden state \(h_{t-1}\) and the candidate state "
        r"\(n_t\) to give \(h_t\)?"),
        ("update gate", "update", "z_t", "the update gate", "update-gate"),
        r"the \textbf{update gate} \(z_t\): \(h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}\)."),
    "reset": (
        (r"Which GRU gate decides how much of the previous hidden state \(h_{t-1}\) enters the computation of the "
        r"candidate state \(n_t\)?"),
        ("reset gate", "reset", "r_t", "the reset gate", "reset-gate"),
        (r"the \textbf{reset gate} \(r_t\) multiplies the recurrent term inside "
        r"\(n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))\).")),
    "candidate": (
        (r"What is the GRU's vector \(n_t\), computed with a tanh from \(x_t\) and the reset-scaled \(h_{t-1}\), "
        r"called?"),
        ("candidate state", "candidate", "candidate hidden state", "new gate", "candidate activation",
         "the candidate state", "n_t"),
        r"the \textbf{candidate (new) state} \(n_t\), which the update gate mixes with \(h_{t-1}\)."),
    "lstm-forget": (
        (r"In the GRU update \(h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}\), the factor \(z_t\) that keeps part of "
        r"the old state plays the role of which LSTM gate?"),
        ("forget gate", "forget", "the forget gate", "forget-gate", "f_t"),
        (r"the LSTM's \textbf{forget gate} \(f_t\), which keeps part of \(c_{t-1}\) in \(c_t = f_t \odot c_{t-1} + "
        r"i_t \odot g_t\); the GRU ties the two gates together.")),
    "lstm-input": (
        (r"In the GRU update \(h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}\), the factor \(1 - z_t\) that admits "
        r"the new candidate plays the role of which LSTM gate?"),
        ("input gate", "input", "the input gate", "input-gate", "i_t"),
        (r"the LSTM's \textbf{input gate} \(i_t\), which scales the candidate \(g_t\); in a GRU it is tied to the "
        r"forget role as \(1 - z_t\).")),
    "merged": (
        (r"An LSTM keeps two state vectors per step. The GRU merges them into one: which LSTM state, besides the "
        r"hidden state \(h_t\), does the GRU not have?"),
        ("cell state", "cell", "memory cell", "the cell state", "c_t", "cell-state"),
        r"the \textbf{cell state} \(c_t\); a GRU carries only \(h_t\) (and has no output gate)."),
}
KEYS = tuple(ROLES)


class GruGateRoles(Question):
    id = "dl/rnn/gru-gate-roles"
    title = "GRU gates and their LSTM counterparts"
    topic = "rnn"
    tags = ("rnn", "gru", "lstm", "gates", "concepts")
    difficulty = "intermediate"
    source = "seed paper 002 (Q3(b), gated recurrent cells)"
    points = 1.0
    stem = r"""
A GRU (as in PyTorch's \texttt{torch.nn.GRU}) updates its hidden state with a reset gate \(r_t\), an update
gate \(z_t\) and a candidate state \(n_t\). <<question>> Answer with its name (one or two words).
"""
    solution = r"""
Answer: <<explanation>> For reference, the GRU update is
\[ \begin{aligned}
r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}), \\
z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}), \\
n_t &= \tanh\left(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\right), \\
h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}.
\end{aligned} \]
"""

    def draw(self, rng):
        return {"role": KEYS[int(rng.integers(len(KEYS)))]}

    def working(self, p):
        question, _, explanation = ROLES[p["role"]]
        return {"question": question, "explanation": explanation}

    def solve(self, p):
        if p["role"] not in ROLES:
            raise ValueError(f"role must be one of {', '.join(KEYS)}")
        return ShortText(ROLES[p["role"]][1], optional_words=("gate", "vector"))
