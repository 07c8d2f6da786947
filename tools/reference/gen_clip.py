"""Reference fixtures for models/clip: ClipLosses.classContrastive, the class-caption contrastive loss.

  z = min(exp(s), 100) * I @ T.T                      [B, C]   (I, T row-normalised)
  image->text = cross_entropy(z, y)
  text->image = -mean_b log_softmax(z, dim=0)[b, y_b]  (UniCL: all images of a caption's class are positives)
  loss = (image->text + text->image) / 2
Values and gradients with respect to I, T and s.

Requirements (Debian): apt-get install python3-torch python3-numpy; run with /usr/bin/python3 gen_clip.py
"""
import math

import torch
import torch.nn.functional as F

import fixtures


def class_contrastive(image, labels, text, log_scale):
    scale = log_scale.exp().clamp(max=100)
    logits = scale * image @ text.t()
    image_to_text = F.cross_entropy(logits, labels)
    text_to_image = -F.log_softmax(logits, dim=0).gather(1, labels[:, None]).mean()
    return (image_to_text + text_to_image) / 2


def case(name, batch, classes, dim, labels, log_scale):
    torch.manual_seed(len(name) * 7 + batch)
    image = F.normalize(torch.randn(batch, dim), dim=-1).requires_grad_()
    text = F.normalize(torch.randn(classes, dim), dim=-1).requires_grad_()
    s = torch.tensor(log_scale, dtype=torch.float32).requires_grad_()
    y = torch.tensor(labels, dtype=torch.int64)
    loss = class_contrastive(image, y, text, s)
    loss.backward()
    return fixtures.case(name, "class_contrastive",
                         {"image": image, "labels": y, "text": text, "log_scale": s},
                         {"loss": loss, "grad_image": image.grad, "grad_text": text.grad, "grad_log_scale": s.grad})


fixtures.write("clip.json", [
    # repeated classes, class 3 absent from the batch, CLIP's initial scale ln(1/0.07)
    case("repeats_and_absent_class", 6, 4, 5, [0, 2, 0, 1, 2, 0], math.log(1 / 0.07)),
    # one image per class: the image->text half equals CLIP's; small scale
    case("one_per_class", 3, 3, 4, [2, 0, 1], 0.5),
    # exp(s) above the cap of 100: the scale is 100 and s gets no gradient
    case("capped_scale", 5, 3, 6, [1, 1, 0, 2, 1], 5.0),
], module="models")
