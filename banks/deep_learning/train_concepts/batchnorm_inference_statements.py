"""Batch normalisation in training and at inference: which statement is true (or false)?

Sources: Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
Covariate Shift" (ICML 2015), Algorithm 2 (inference with population statistics, BN as a fixed affine
map); the PyTorch docs of ``torch.nn.BatchNorm1d``/``BatchNorm2d`` (``running_mean``/``running_var`` are
buffers updated with ``momentum`` in training mode only; in ``eval()`` mode the running estimates are used)
and of ``torch.no_grad`` / ``Module.eval`` (``eval`` does not turn off autograd).
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"In evaluation mode, a BatchNorm layer normalises with the running estimates of the mean and variance "
     r"collected during training, not with the statistics of the current batch."),
    (r"In training mode, a BatchNorm layer normalises each feature with the mean and variance of the current "
     r"mini-batch."),
    (r"If a model is left in training mode at test time, the prediction for one example depends on which other "
     r"examples are in the same batch."),
    (r"At inference a BatchNorm layer is a fixed affine map per feature, so it can be folded into the weights "
     r"and bias of the convolution or linear layer before it."),
    (r"The running mean and variance are updated as exponential moving averages while training; they are "
     r"buffers, not parameters trained by gradient descent."),
    (r"If the test data come from a different distribution than the training data, the stored running "
     r"statistics may not fit them, and accuracy at inference can drop."),
    r"The learnable scale \(\gamma\) and shift \(\beta\) are applied in both training and evaluation mode.",
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"At inference, a BatchNorm layer in evaluation mode computes the mean and variance of the test batch.",
     r"in evaluation mode it uses the running estimates stored during training."),
    (r"In evaluation mode the learnable scale \(\gamma\) and shift \(\beta\) are switched off.",
     r"\(\gamma\) and \(\beta\) are applied in both modes; only the source of the mean and variance changes."),
    (r"The running mean and variance are learnt by backpropagation, like the weights.",
     r"they are updated by a moving average of batch statistics during training, not by gradients."),
    (r"A BatchNorm layer in evaluation mode blocks gradients, so a model in eval mode cannot be differentiated.",
     r"eval mode only changes which statistics are used; autograd still computes gradients through the layer."),
    (r"In evaluation mode, the output for an example depends on the size of the test batch.",
     r"with fixed running statistics each example is normalised on its own, whatever the batch size."),
    (r"The running statistics keep being updated while the model is evaluated in eval mode.",
     r"they are updated only in training mode; in eval mode they are read, not changed."),
    ((r"Calling \texttt{model.eval()} in PyTorch also stops gradient computation, as the "
      r"\texttt{no\_grad()} context of \texttt{torch} does."),
     (r"\texttt{eval()} only switches layers such as BatchNorm and dropout to their inference behaviour; "
      r"gradient tracking is turned off by the \texttt{no\_grad()} context.")),
)


class BatchnormInferenceStatements(StatementQuestion):
    id = "dl/train/batchnorm-inference-statements"
    title = "Batch normalisation at inference: true and false statements"
    topic = "train"
    tags = ("batchnorm", "inference", "concepts")
    difficulty = "intermediate"
    source = "seed paper 001 (Q14, BatchNorm good in training, poor at inference)"
    stem = (r"A network uses batch normalisation (BatchNorm) layers. Which of the following statements about "
            r"BatchNorm in training and at inference is <% if polarity %>TRUE<% else %>FALSE<% endif %>?")
    true_statements = TRUE
    false_statements = FALSE
