"""Mixed-precision training: select all statements that are true (or false). A pool of statements.

Sources: Micikevicius et al., "Mixed Precision Training" (ICLR 2018): fp32 master copy of the weights,
loss scaling against gradient underflow, fp32 accumulation; IEEE 754-2008 binary16 (largest finite value
65504, smallest positive normal 2^-14, 11-bit significand); the PyTorch docs of ``torch.amp`` /
``torch.cuda.amp.GradScaler`` (dynamic loss scaling: steps with inf/NaN gradients are skipped and the
scale is reduced; ops such as softmax and losses autocast to float32); Kalamkar et al., "A Study of
BFLOAT16 for Deep Learning Training" (2019) (bfloat16 keeps the 8 exponent bits of fp32).
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"The largest finite fp16 (half-precision) number is 65504, so large activations or losses can overflow "
     r"to infinity."),
    (r"Loss scaling multiplies the loss by a factor \(S\) before backpropagation and divides the gradients by "
     r"\(S\) before the weight update, so that small gradients do not underflow to zero in fp16."),
    (r"A master copy of the weights is kept in fp32, because small updates added to fp16 weights can be rounded "
     r"away entirely."),
    (r"With dynamic loss scaling, a step whose gradients contain inf or NaN is skipped and the scale factor is "
     r"reduced."),
    (r"Mixed precision reduces memory use and speeds up matrix multiplications on hardware with fast "
     r"half-precision units."),
    (r"Numerically sensitive operations such as large reductions, softmax and the loss are usually computed "
     r"in fp32."),
    (r"bfloat16 has the same 8 exponent bits as fp32, so it covers about the same range and usually needs no "
     r"loss scaling."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"Mixed-precision training runs every operation in fp64 to increase accuracy.",
     r"it runs most operations in fp16 or bfloat16 and keeps only sensitive ones in fp32; fp64 is not used."),
    (r"Loss scaling changes the direction of the gradient, so the learning rate must be divided by the scale.",
     (r"multiplying by a positive constant never changes a direction, and the gradients are divided by the same "
      r"scale before the update, so the update is unchanged.")),
    (r"fp16 can represent a larger range of magnitudes than fp32.",
     r"fp16 reaches only 65504, fp32 about \(3.4\times 10^{38}\)."),
    (r"Loss scaling is used to stop large gradients from overflowing.",
     (r"it scales the loss \emph{up} to stop small gradients from underflowing; overflow is handled by lowering "
      r"the scale.")),
    (r"Keeping an fp32 master copy of the weights makes the forward pass twice as fast.",
     r"the master copy costs extra memory; it is there for accurate weight updates, not for speed."),
    (r"The weight update must also be done in fp16, or mixed precision brings no benefit.",
     (r"the update is applied to the fp32 master weights; the savings come from the fp16 forward and backward "
      r"passes.")),
    (r"fp16 numbers carry about 16 significant decimal digits.",
     r"fp16 has an 11-bit significand, about 3 significant decimal digits."),
)


class MixedPrecisionStatements(StatementQuestion):
    id = "dl/train/mixed-precision-statements"
    title = "Mixed-precision training: select the true (or false) statements"
    topic = "train"
    tags = ("mixed-precision", "fp16", "concepts")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Q26, mixed-precision training with torch.cuda.amp)"
    stem = r"""
A network is trained with mixed precision: most of the forward and backward pass runs in 16-bit floating
point (fp16) and the rest in 32-bit (fp32). Which of the following statements are
<% if polarity %>TRUE<% else %>FALSE<% endif %>? Select all that apply (at least one option is correct).
"""
    true_statements = TRUE
    false_statements = FALSE
    multiple = True
