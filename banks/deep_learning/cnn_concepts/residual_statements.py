"""Residual (skip) connections: which statement is true (or false)? A pool of statements.

Sources: He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition" (CVPR 2016): residual
learning ``y = F(x) + x``, identity shortcuts without parameters, projection shortcuts (1x1 convolutions)
when shapes differ, the degradation problem; He et al., "Identity Mappings in Deep Residual Networks"
(ECCV 2016), equation (5): ``dL/dx_l = dL/dx_L (1 + d/dx_l sum F)``; Huang et al., "Densely Connected
Convolutional Networks" (CVPR 2017) for concatenation instead of addition.
"""

from generator.statements import StatementQuestion

TRUE = (
    (r"For a block \(y = x + F(x)\), the chain rule gives "
     r"\(\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\bigl(I + \frac{\partial F}{\partial x}\bigr)\), "
     r"so part of the gradient reaches \(x\) without passing through \(F\)."),
    (r"If the residual branch outputs zero, the block computes the identity, so adding such a block cannot make "
     r"the best achievable training error worse."),
    (r"Skip connections let the gradient reach early layers without being multiplied by the Jacobian of every "
     r"layer on the way, which reduces vanishing gradients in very deep networks."),
    (r"When the residual branch changes the number of channels or the spatial size, the shortcut needs a "
     r"projection, for example a \(1\times 1\) convolution with a stride, so that the two can be added."),
    r"An identity shortcut adds no trainable parameters to the network.",
    (r"A residual block learns the difference \(F(x) = H(x) - x\) between the desired mapping \(H\) and its "
     r"input, instead of learning \(H\) directly."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    ((r"For a block \(y = x + F(x)\), the gradient is "
      r"\(\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y}\,\frac{\partial F}{\partial x}\)."),
     (r"this drops the derivative of the identity path: the correct gradient is "
      r"\(\frac{\partial L}{\partial y}\bigl(I + \frac{\partial F}{\partial x}\bigr)\).")),
    (r"Every identity shortcut adds a weight matrix that has to be trained.",
     r"an identity shortcut just adds \(x\); it has no parameters (only projection shortcuts have)."),
    (r"A ResNet skip connection concatenates \(x\) and \(F(x)\) along the channel dimension.",
     r"ResNet adds them element-wise; concatenation is used by DenseNet."),
    (r"With skip connections, the residual branch no longer needs non-linear activations.",
     (r"without non-linearities the branch would be linear and the whole network could represent only "
      r"linear maps; the branch keeps its ReLUs.")),
    ((r"Residual connections make a network shallower, because the skipped layers are not evaluated at "
      r"inference time."),
     r"every layer is still evaluated; the shortcut runs in parallel with the branch and the outputs are added."),
    (r"Residual connections help only because they reduce overfitting.",
     (r"they mainly make deep networks easier to optimise: plain deep networks have a higher training error "
      r"(the degradation problem), which residual networks avoid.")),
    (r"The two terms \(x\) and \(F(x)\) of a residual block may have different shapes; the addition handles it.",
     r"element-wise addition needs equal shapes; when they differ, the shortcut must be a projection."),
)


class ResidualStatements(StatementQuestion):
    id = "dl/cnn/residual-statements"
    title = "Residual connections: true and false statements"
    topic = "cnn"
    tags = ("resnet", "skip-connections", "gradients", "concepts")
    difficulty = "intermediate"
    source = "seed papers 000 (Minor-I, Q2), 001 (Q9, gradient of a residual block) and 002 (Q2b)"
    stem = (r"Consider residual blocks \(y = x + F(x)\) as in ResNet, where \(F\) is a small stack of "
            r"convolution, batch normalisation and ReLU layers and \(L\) is the loss. Which of the following "
            r"statements is <% if polarity %>TRUE<% else %>FALSE<% endif %>?")
    true_statements = TRUE
    false_statements = FALSE
