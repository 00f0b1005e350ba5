"""Number of parameters of one LSTM layer.

Formula: 4*(hidden*input + hidden*hidden) + bias_vectors*4*hidden (input, forget, cell-candidate and
output blocks). Source: PyTorch docs of ``torch.nn.LSTM`` (weight_ih_l0 is (4*hidden, input),
weight_hh_l0 is (4*hidden, hidden), biases b_ih and b_hh of length 4*hidden); Hochreiter & Schmidhuber
1997. See ``_gates.py``.
"""

from generator.answers import numeric_option, single_choice
from generator.question import Question

from ._gates import bias_convention, check, count, count_by_arrays, distractors, draw_sizes


class LstmParams(Question):
    id = "dl/rnn/lstm-params"
    title = "Parameters of an LSTM layer"
    topic = "rnn"
    tags = ("rnn", "lstm", "parameters")
    difficulty = "intermediate"
    source = "seed papers 002 (Q3, RNN/LSTM) and 000 (Minor-I, LSTM gates)"
    points = 2.0
    stem = r"""
A single-layer LSTM reads input vectors of size \(<<input_size>>\) and has a hidden state (and cell state) of
size \(<<hidden_size>>\). It has the usual four gate blocks: input gate, forget gate, cell candidate and output
gate, each with its own input-to-hidden and hidden-to-hidden weight matrices. <<convention>>
How many trainable parameters does the layer have?
"""
    solution = r"""
Each of the 4 blocks has a \(<<hidden_size>>\times<<input_size>>\) input matrix (\(<<w_ih>>\) weights), a
\(<<hidden_size>>\times<<hidden_size>>\) recurrent matrix (\(<<w_hh>>\) weights) and
\(<<bias_vectors>>\times<<hidden_size>> = <<biases>>\) biases, i.e. \(<<per_gate>>\) parameters. Hence
\[ 4\times<<per_gate>> = <<answer.value|num>>. \]
"""

    def draw(self, rng):
        return draw_sizes(rng)

    def working(self, p):
        n_in, n_h, nb = check(p)
        return {"convention": bias_convention(nb), "w_ih": n_h * n_in, "w_hh": n_h * n_h, "biases": nb * n_h,
                "per_gate": n_h * n_in + n_h * n_h + nb * n_h}

    def solve(self, p):
        n_in, n_h, nb = check(p)
        return single_choice(numeric_option(count(4, n_in, n_h, nb), correct=True),
                             distractors(4, n_in, n_h, nb, wrong_gates=((3, "a GRU"),)), sample_wrong=True)

    def verify(self, p):
        n_in, n_h, nb = check(p)
        return count_by_arrays("lstm", n_in, n_h, nb)
