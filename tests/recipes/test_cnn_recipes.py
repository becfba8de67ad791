"""Shortened runs of the CNN recipes on slices of the real datasets: they must learn, not just run."""
from rosenblatt.recipes import RECIPES, get
from rosenblatt.recipes.fashion_cnn import train as train_fashion
from rosenblatt.recipes.mnist_lenet import train as train_lenet


def test_mnist_lenet_learns_on_a_slice_of_real_mnist(data_dir):
    lines = []
    # Small batches: a 3,000-image epoch is only ~94 steps.
    result = train_lenet(epochs=1, limit=3000, batch_size=32, lr=0.05, shift=0, data_dir=data_dir,
                         log=lines.append)
    assert len(lines) == 1 and "test accuracy" in lines[0]
    # Chance is 10%; the full recipe reaches ~99.1% on all 60,000 images.
    assert result["test_accuracy"] >= 0.85
    assert abs(result["test_error"] - (1 - result["test_accuracy"])) < 1e-12


def test_mnist_lenet_shift_augmentation_still_learns(data_dir):
    result = train_lenet(epochs=1, limit=2000, batch_size=32, lr=0.05, shift=2, data_dir=data_dir,
                         log=lambda line: None)
    assert result["test_accuracy"] >= 0.70


def test_fashion_cnn_learns_on_a_slice_of_real_fashion_mnist(data_dir):
    lines = []
    result = train_fashion(epochs=1, limit=2000, batch_size=32, data_dir=data_dir, log=lines.append)
    assert len(lines) == 1 and "test accuracy" in lines[0]
    # Chance is 10%; the full recipe's target is >= 91.6%.
    assert result["test_accuracy"] >= 0.70


def test_cnn_recipes_are_registered():
    assert get("mnist-lenet") is train_lenet and get("fashion-cnn") is train_fashion
    assert {"mnist-lenet", "fashion-cnn"} <= set(RECIPES)
