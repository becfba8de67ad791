"""A shortened run of the MNIST MLP recipe: it must learn, not just run."""
from rosenblatt.recipes.mnist_mlp import train


def test_mnist_mlp_learns_on_a_slice_of_real_mnist(data_dir):
    lines = []
    result = train(epochs=2, limit=6000, data_dir=data_dir, log=lines.append)
    assert len(lines) == 2 and "test accuracy" in lines[-1]
    # Chance is 10%; the full recipe reaches >= 98% on all 60,000 images.
    assert result["test_accuracy"] >= 0.90
