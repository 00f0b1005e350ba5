"""Number of parameters of one GRU layer.

Formula: 3*(hidden*input + hidden*hidden) + bias_vectors*3*hidden (reset, update and candidate blocks).
Source: PyTorch docs of ``torch.nn.GRU`` (weight_ih_l0 is (3*hidden, input), weight_hh_l0 is
(3*hidden, hidden), biases b_ih and b_hh of length 3*hidden); Cho et al. 2014. See ``_gates.py``.
"""

from generator.answers import numeric_option, single_choice
from generator.question import Question

from ._gates import bias_convention, check, count, count_by_arrays, distractors, draw_sizes


class GruParams(Question):
    id = "dl/rnn/gru-params"
    title = "Parameters of a GRU layer"
    topic = "rnn"
    tags = ("rnn", "gru", "parameters")
    difficulty = "intermediate"
    source = "seed paper 002 (Q3(c), recurrent parameter count)"
    points = 2.0
    stem = r"""
A single-layer GRU reads input vectors of size \(<<input_size>>\) and has a hidden state of size
\(<<hidden_size>>\). It has three blocks: reset gate, update gate and candidate state, each with its own
input-to-hidden and hidden-to-hidden weight matrices. <<convention>>
How many trainable parameters does the layer have?
"""
    solution = r"""
Each of the 3 blocks has a \(<<hidden_size>>\times<<input_size>>\) input matrix (\(<<w_ih>>\) weights), a
\(<<hidden_size>>\times<<hidden_size>>\) recurrent matrix (\(<<w_hh>>\) weights) and
\(<<bias_vectors>>\times<<hidden_size>> = <<biases>>\) biases, i.e. \(<<per_gate>>\) parameters. Hence
\[ 3\times<<per_gate>> = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        return draw_sizes(rng)

    def working(self, p):
        n_in, n_h, nb = check(p)
        return {"convention": bias_convention(nb), "w_ih": n_h * n_in, "w_hh": n_h * n_h, "biases": nb * n_h,
                "per_gate": n_h * n_in + n_h * n_h + nb * n_h}

    def solve(self, p):
        n_in, n_h, nb = check(p)
        return single_choice(numeric_option(count(3, n_in, n_h, nb), correct=True),
                             distractors(3, n_in, n_h, nb, wrong_gates=((4, "an LSTM"),)), sample_wrong=True)

    def verify(self, p):
        n_in, n_h, nb = check(p)
        return count_by_arrays("gru", n_in, n_h, nb)
