"""Short explanation: saliency maps, class activation maps (CAM), Grad-CAM and guided Grad-CAM.

Sources: Simonyan, Vedaldi & Zisserman, "Deep Inside Convolutional Networks: Visualising Image Classification
Models and Saliency Maps" (ICLR workshop 2014); Zhou et al., "Learning Deep Features for Discriminative
Localization" (CVPR 2016) (CAM); Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
Gradient-based Localization" (ICCV 2017); Springenberg et al., "Striving for Simplicity: The All Convolutional
Net" (ICLR workshop 2015) (guided backpropagation); Smilkov et al., "SmoothGrad" (2017).
"""

from .._essay import GuidedEssay, Prompt

PROMPTS = (
    Prompt(
        (r"Describe how \emph{Grad-CAM} computes a class-specific heat map for a CNN classifier. Give the formulas "
         r"for the channel weights and for the map, and explain why a ReLU is applied to the map."),
        r"""Take the feature maps \(A^k\) (\(k = 1, \dots, K\)) of the last convolutional layer and the score
\(y^c\) of class \(c\) before the softmax. Backpropagate \(y^c\) to these maps and average the gradients over
the spatial positions to get one weight per channel,
\(\alpha_k^c = \frac{1}{Z}\sum_{i}\sum_{j} \partial y^c / \partial A^k_{ij}\) (\(Z\) the number of positions):
how important channel \(k\) is for class \(c\). The map is the weighted combination
\(L^c = \operatorname{ReLU}\bigl(\sum_k \alpha_k^c A^k\bigr)\), upsampled to the image size and overlaid on it;
its resolution is that of the last convolutional layer (e.g. \(7\times 7\)). The ReLU keeps only the regions
with a positive influence on \(y^c\), where increasing the activation would increase the class score; negative
values usually belong to other classes and would blur the localisation of class \(c\).""",
        ((1, (r"Grad-CAM channel weights: gradients of the class score \(y^c\) (before the softmax) with respect to the last "
             r"convolutional feature maps, averaged over positions: "
             r"\(\alpha_k^c = \frac{1}{Z}\sum_{ij} \partial y^c/\partial A^k_{ij}\)")),
         (1, r"map \(\operatorname{ReLU}(\sum_k \alpha_k^c A^k)\), upsampled to the image (coarse resolution)"),
         (1, ("why the ReLU: keeps only features with a positive influence on the class score; negative regions "
             "belong to other classes"))),
        ("grad-cam", "weights", "relu"),
        lines=10,
    ),
    Prompt(
        (r"What is a \emph{class activation map} (CAM)? Which architectural restriction does it have, and how does "
         r"Grad-CAM remove that restriction?"),
        r"""CAM (Zhou et al.\ 2016) applies to networks whose last convolutional maps \(f_k\) are globally
average pooled and fed to one linear layer with weights \(w_k^c\): the class score is
\(y^c = \sum_k w_k^c \frac{1}{Z}\sum_{x,y} f_k(x, y)\), so the map
\(M_c(x, y) = \sum_k w_k^c f_k(x, y)\) shows how much each position contributes to \(y^c\). The restriction:
the network must end in global average pooling followed directly by a single linear layer; other architectures
(for example with several fully connected layers) must be changed and retrained, which can cost accuracy.
Grad-CAM replaces the weights \(w_k^c\) by gradient-based weights
\(\alpha_k^c = \frac{1}{Z}\sum_{ij}\partial y^c/\partial A^k_{ij}\), which any differentiable network provides
without retraining (classification with fully connected heads, captioning, visual question answering). For a
GAP-plus-linear network \(\alpha_k^c\) equals \(w_k^c\) up to a constant, so Grad-CAM generalises CAM.""",
        ((1, (r"class activation map defined: \(M_c = \sum_k w_k^c f_k\), the last feature maps weighted by the "
             r"linear classifier's weights for class \(c\)")),
         (1, ("restriction: needs global average pooling followed directly by one linear layer; otherwise the "
             "architecture must be modified and retrained")),
         (1, ("Grad-CAM uses averaged gradients as channel weights, so it works for any differentiable "
             "architecture without retraining, and reduces to CAM for GAP networks"))),
        ("class activation map", "restriction", "grad-cam"),
        lines=10,
    ),
    Prompt(
        (r"Explain the \emph{vanilla gradient saliency map} of Simonyan et al.: how it is computed, what it shows, "
         r"and two of its weaknesses."),
        r"""Computation: one backward pass of the class score \(y^c\) (before the softmax) to the input image gives
\(\partial y^c/\partial x\); the saliency of a pixel is the largest absolute value of this gradient over its
colour channels. Meaning: by a first-order Taylor expansion \(y^c(x + \delta) \approx y^c(x) + \nabla_x
y^c \cdot \delta\), so the map shows which pixels the score is most sensitive to, that is where a small change
would change the score most; it measures sensitivity, not how much a pixel contributed. Weaknesses: the maps
are noisy and scattered (SmoothGrad averages them over noisy copies of the image); saturation: a feature that
matters but lies in a flat part of a ReLU or sigmoid gets zero gradient (integrated gradients address this);
they are weakly class-discriminative, often looking alike for different classes; and they are sensitive to
small input perturbations.""",
        ((1, (r"saliency computed by backpropagating the class score to the input pixels, \(|\partial y^c/\partial x|\), "
             r"maximum over colour channels")),
         (1, ("shows the sensitivity of the class score to each pixel (first-order Taylor approximation), not "
             "its contribution")),
         (1, "two weaknesses, e.g. noisy maps, gradient saturation, weak class discrimination, instability")),
        ("saliency", "gradient", "weaknesses"),
        lines=10,
    ),
    Prompt(
        (r"Compare Grad-CAM with pixel-space gradient visualisations such as \emph{guided backpropagation}, in "
         r"resolution and in class specificity. How does \emph{Guided Grad-CAM} combine the two?"),
        r"""Grad-CAM is class-discriminative: the maps for ``cat'' and ``dog'' in the same image highlight
different regions, so it localises the evidence for one class; but its resolution is that of the last
convolutional layer (e.g. \(14\times 14\) or \(7\times 7\)), so it is coarse and shows no fine detail. Guided
backpropagation passes the gradient back to the pixels, letting through a ReLU only where both the forward
input and the backward gradient are positive; its maps have pixel resolution and show edges and textures, but
they are hardly class-discriminative (they look similar whichever class is backpropagated). Guided Grad-CAM
multiplies the guided-backpropagation map element-wise with the Grad-CAM map upsampled to the image size,
giving a map that is both high-resolution and class-specific.""",
        ((1, ("Grad-CAM: class-discriminative (localises one class) but coarse, at the resolution of the last "
             "convolutional layer")),
         (1, ("guided backpropagation: pixel resolution, fine detail (only positive gradients through ReLUs where "
             "the input is positive), but little class specificity")),
         (1, ("Guided Grad-CAM: element-wise product of the guided backpropagation map and the upsampled Grad-CAM "
             "map, high-resolution and class-specific"))),
        ("guided", "grad-cam", "resolution", "class"),
        lines=10,
    ),
)


class SaliencyEssay(GuidedEssay):
    id = "dl/cnn/saliency-essay"
    title = "Short explanation: saliency maps, CAM and Grad-CAM"
    topic = "cnn"
    tags = ("visualisation", "grad-cam", "saliency", "essay", "concepts")
    difficulty = "intermediate"
    points = 3.0
    source = ("seed papers 001 (Q18, DeconvNet saliency) and 003 (Advanced Q1, Grad-CAM and Grad-CAM++); "
              "Selvaraju et al., Grad-CAM (ICCV 2017); Zhou et al., CAM (CVPR 2016); Simonyan et al. (2014)")
    PROMPTS = PROMPTS
