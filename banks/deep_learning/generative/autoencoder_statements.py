"""Autoencoders: which statement is true (or false)? A pool of statements."""

from generator.statements import StatementQuestion

TRUE = (
    r"An undercomplete autoencoder can be used for dimensionality reduction.",
    r"A denoising autoencoder is trained to reconstruct the clean input from a corrupted copy.",
    r"An autoencoder with linear encoder and decoder and squared-error loss spans the same subspace as PCA.",
    r"Autoencoders are trained without labels: the input itself is the target.",
    r"A masked autoencoder learns by reconstructing image patches that were hidden from the encoder.",
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"An autoencoder needs class labels to be trained.",
     r"the reconstruction target is the input itself, so no labels are needed."),
    (r"Adding more code (bottleneck) units always increases the compression.",
     r"a wider code keeps more numbers per input, so it compresses less."),
    (r"An autoencoder's loss compares the code with the input.",
     r"the loss compares the decoder's reconstruction with the input."),
    (r"An overcomplete autoencoder without regularisation cannot learn the identity map.",
     r"with more code units than inputs, copying the input through is easy; that is why it needs regularisation."),
    (r"The decoder of a plain autoencoder defines a prior from which new samples can be drawn.",
     r"a plain autoencoder imposes no distribution on the code; a VAE does."),
)


class AutoencoderStatements(StatementQuestion):
    id = "dl/generative/autoencoder-statements"
    title = "Autoencoders: true and false statements"
    topic = "generative"
    tags = ("autoencoder", "concepts")
    difficulty = "beginner"
    source = "seed paper 000 (Quiz-3, Q1-Q2)"
    stem = r"Which of the following statements about autoencoders is <% if polarity %>TRUE<% else %>FALSE<% endif %>?"
    true_statements = TRUE
    false_statements = FALSE
