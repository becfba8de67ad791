"""``python -m rosenblatt`` and the ``rosenblatt`` console script."""
from __future__ import annotations

import argparse
import sys


def demo() -> None:
    """Fit a small network on a generated dataset and print the loss falling.

    Until the training-loop issue replaces it, this is the main job: a 2-16-1
    MLP learns the XOR-like "two moons"-style rule sign(x0 * x1) by plain
    gradient descent, written with rosenblatt tensors alone.
    """
    import rosenblatt as rb

    g = rb.Generator().manual_seed(0)
    x = rb.randn(256, 2, generator=g)
    y = ((x[:, 0] * x[:, 1]) > 0).float().unsqueeze(1)
    w1 = (rb.randn(2, 16, generator=g) * 0.7).requires_grad_()
    b1 = rb.zeros(16, requires_grad=True)
    w2 = (rb.randn(16, 1, generator=g) * 0.25).requires_grad_()
    b2 = rb.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(301):
        p = ((x @ w1 + b1).tanh() @ w2 + b2).sigmoid()
        loss = -(y * (p + 1e-7).log() + (1 - y) * (1 - p + 1e-7).log()).mean()
        for t in params:
            t.grad = None
        loss.backward()
        with rb.no_grad():
            for t in params:
                t -= 0.5 * t.grad
        if step % 50 == 0:
            accuracy = ((p > 0.5).float() == y).float().mean().item()
            print(f"step {step:3d}  loss {loss.item():.4f}  accuracy {accuracy:.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rosenblatt", description="rosenblatt command line")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="fit a small network and print the loss falling")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
