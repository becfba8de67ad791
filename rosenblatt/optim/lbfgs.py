"""L-BFGS: quasi-Newton steps from a short history of gradient changes.

A faithful port of PyTorch's ``torch/optim/lbfgs.py`` (BSD licence), itself ported from
Torch7's ``optim`` (``lbfgs.lua``, ``lswolfe.lua``, ``polyinterp.lua``), strong-Wolfe line
search included.

A trap when porting it: PyTorch's scalars are of two kinds, 0-dim tensors (dot products,
``ys``, ``ro``, ``H_diag``, often ``t``) that compute in the parameters' dtype, and Python
floats (the losses, ``lr``) that compute in double, and its branches compare the two
(``f_new > f + c1 * t * gtd``).  Here a 0-dim tensor is a NumPy scalar of the array's dtype
(``numpy.float32``), which NumPy 2 promotes with Python floats exactly as PyTorch promotes
0-dim tensors with them (the Python float is rounded to float32), so every expression below
rounds as PyTorch's does.  Turned into Python floats, those scalars would make some of these
expressions compute in double, and a comparison on the edge could then take the other branch.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .._backend import axpy, xp
from ..autograd.grad_mode import enable_grad, mark_modified
from ..tensor import Tensor
from .optimizer import Optimizer

#: the state kept between steps, besides the counters ``func_evals`` and ``n_iter``.
_HISTORY = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss")


def _cubic_interpolate(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                       bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimum of the cubic through ``(x1, f1)`` and ``(x2, f2)`` with slopes ``g1``, ``g2``,
    clamped to ``bounds`` (default: between ``x1`` and ``x2``); their middle if it has none."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    # PyTorch's 0-dim tensors give inf and nan here silently; NumPy's scalars would warn
    with xp.errstate(divide="ignore", over="ignore", invalid="ignore"):
        d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        d2_square = d1**2 - g1 * g2
        if d2_square >= 0:
            d2 = xp.sqrt(d2_square)
            if x1 <= x2:
                min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            else:
                min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
            return min(max(min_pos, xmin_bound), xmax_bound)
        return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func: Callable[[Any, Any, Any], tuple[float, Any]], x: list[Any], t: Any,
                  d: Any, f: float, g: Any, gtd: Any, c1: float = 1e-4, c2: float = 0.9,
                  tolerance_change: float = 1e-9, max_ls: int = 25) -> tuple[float, Any, Any, int]:
    """A step ``t`` along ``d`` meeting the strong Wolfe conditions, found by bracketing then
    zooming with cubic interpolation (at most ``max_ls`` evaluations of ``obj_func``).

    Returns ``(loss, flat gradient, t, evaluations)`` at the step found.
    """
    d_norm = xp.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)

    # bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate: between 1.01 t and 10 t
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:  # out of evaluations: the zoom below does not run
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point in it satisfies the conditions
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:  # the bracket is too small
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # a t close to an end of the bracket (within a tenth of its length) makes little
        # progress: if the last one did too, or t is at or past the end, move it a tenth in
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # Armijo condition not met, or not below the lowest point: t is the new high end
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:  # Wolfe conditions met
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # the old high end becomes the new low end
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            # the new point becomes the new low end
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    r"""L-BFGS (Liu & Nocedal, 1989), as PyTorch's ``LBFGS``: each :meth:`step` runs up to
    ``max_iter`` quasi-Newton iterations, evaluating the closure as it goes.

    .. math::
        d_k = -H_k g_k, \quad \theta_{k+1} = \theta_k + t_k d_k, \quad
        s_k = t_k d_k, \quad y_k = g_{k+1} - g_k

    where :math:`H_k g_k` is computed by the two-loop recursion over the last
    ``history_size`` pairs :math:`(s_i, y_i)` (a pair is kept only if
    :math:`y_i^\top s_i > 10^{-10}`), starting from :math:`H_k^0 = \frac{s^\top y}{y^\top y} I`
    of the newest pair. The step :math:`t_k` is ``lr`` (on the very first iteration
    :math:`\min(1, 1/\lVert g_0\rVert_1)\cdot` ``lr``), or with
    ``line_search_fn="strong_wolfe"`` the end of a line search from there that meets
    :math:`f(\theta + t d) \le f(\theta) + 10^{-4}\, t\, g^\top d` and
    :math:`|\nabla f(\theta + t d)^\top d| \le 0.9\,|g^\top d|`. A step stops early when
    :math:`\lVert g\rVert_\infty \le` ``tolerance_grad``, when the loss or the parameters
    change by less than ``tolerance_change``, or after ``max_eval`` evaluations.

    All parameters form one group (no per-parameter options). The state (history, last
    direction and step) is kept under the first parameter, as in PyTorch; it holds about
    ``2 * history_size + 2`` copies of the parameters (the pairs, the last direction and
    gradient).

    Args:
        params: tensors (one group only).
        lr (float): step length :math:`t`, or the line search's first guess. Default: 1.
        max_iter (int): iterations per :meth:`step`. Default: 20.
        max_eval (int | None): closure evaluations per :meth:`step`.
            Default: ``max_iter * 5 // 4``.
        tolerance_grad (float): stop when the largest gradient entry is at most this.
            Default: 1e-7.
        tolerance_change (float): stop when the loss or parameters change less than this.
            Default: 1e-9.
        history_size (int): pairs :math:`(s, y)` kept. Default: 100.
        line_search_fn (str | None): ``"strong_wolfe"`` or None (fixed steps). Default: None.

    Example:
        >>> import rosenblatt as rb
        >>> w = rb.zeros(2, requires_grad=True)
        >>> target = rb.tensor([1.0, -2.0])
        >>> opt = rb.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - target) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> float(opt.step(closure))  # the loss before the step
        5.0
        >>> w
        tensor([ 1., -2.], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn))
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups); "
                             "put all parameters in one group")
        super().add_param_group(param_group)

    def _check(self, options: dict[str, Any]) -> None:
        if not 0.0 <= options["lr"]:
            raise ValueError(f"LBFGS: Invalid learning rate: {options['lr']} (lr must be >= 0)")
        if options["line_search_fn"] not in (None, "strong_wolfe"):
            # PyTorch only says so at the first step, with a RuntimeError
            raise ValueError(f"LBFGS: Invalid line_search_fn: {options['line_search_fn']!r} "
                             f"(only 'strong_wolfe' or None is supported)")
        if options["history_size"] < 1:  # PyTorch fails at its second iteration (IndexError)
            raise ValueError(f"LBFGS: Invalid history_size value: {options['history_size']} "
                             f"(history_size must be >= 1)")
        super()._check(options)

    # ------------------------------------------------------ flat parameter vector
    def _gather_flat_grad(self) -> Any:
        return xp.concatenate([xp.zeros(p.data.size, dtype=p.data.dtype) if p.grad is None
                               else p.grad.data.reshape(-1) for p in self._params])

    def _add_grad(self, step_size: Any, update: Any) -> None:
        """``params += step_size * update``, ``update`` flat."""
        offset = 0
        for p in self._params:
            part = update[offset:offset + p.data.size]
            if p.data.flags.c_contiguous:
                axpy(step_size, part, p.data.reshape(-1))
            else:  # reshape(-1) would be a copy
                p.data += step_size * part.reshape(p.data.shape)
            offset += p.data.size

    def _clone_param(self) -> list[Any]:
        return [p.data.copy() for p in self._params]

    def _set_param(self, params_data: list[Any]) -> None:
        for p, data in zip(self._params, params_data):
            p.data[...] = data

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[Any], t: Any,
                              d: Any) -> tuple[float, Any]:
        """Loss and flat gradient at ``x + t d``; the parameters are left at ``x``."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -------------------------------------------------------------------- step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` iterations; returns the loss ``closure()`` gave before them.

        Args:
            closure: reevaluates the model: zeroes the gradients, computes the loss, calls
                ``backward()`` on it and returns it. Required: L-BFGS evaluates it several
                times per step.
        """
        if closure is None:
            raise TypeError("LBFGS.step() needs a closure that zeroes the gradients, computes "
                            "the loss, calls loss.backward() and returns the loss: "
                            "L-BFGS evaluates it several times per step; use opt.step(closure)")

        def evaluate() -> Any:
            with enable_grad():
                return closure()

        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
        if opt_cond:  # already optimal
            return orig_loss

        d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss = (
            _unwrap(state.get(key)) for key in _HISTORY)

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- direction
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # update the memory
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)  # scale of the initial inverse Hessian

                # two-loop recursion: d = -H g
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = _unwrap(state["al"])
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    axpy(-al[i], old_dirs[i], q)
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    axpy(al[i] - be_i, old_stps[i], r)
                state["al"] = _wrap(al)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                prev_flat_grad[...] = flat_grad
            prev_loss = loss

            # ---- step length
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / xp.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)  # directional derivative
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                x_init = self._clone_param()

                def obj_func(x: list[Any], t: Any, d: Any) -> tuple[float, Any]:
                    return self._directional_evaluate(evaluate, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    # not after the last iteration: a stochastic closure's next value is of no use
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- stop?
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if xp.abs(d * t).max() <= tolerance_change:  # no progress in the parameters
                break
            if abs(loss - prev_loss) < tolerance_change:  # nor in the loss
                break

        for key, value in zip(_HISTORY, (d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad,
                                         prev_loss)):
            state[key] = _wrap(value)
        mark_modified(*self._params)  # a graph that saved a parameter now refuses to backward
        return orig_loss

    # ------------------------------------------------------------- state dict
    def state_dict(self) -> dict[str, Any]:
        """As :meth:`Optimizer.state_dict`, the history lists copied too."""
        saved = super().state_dict()
        for values in saved["state"].values():
            for key, value in values.items():
                if isinstance(value, list):
                    values[key] = _copy(value)
        return saved

    def _restore(self, i: int, group: dict[str, Any], p: Tensor, values: dict[str, Any],
                 idx: int) -> None:
        """Copy the saved state in: rosenblatt or PyTorch tensors become rosenblatt tensors."""
        self.state[p] = {key: _copy(value) for key, value in values.items()}


def _unwrap(value: Any) -> Any:
    """A state value as the step computes with it: arrays, NumPy scalars for 0-dim tensors."""
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, Tensor):
        return value.data[()] if value.data.ndim == 0 else value.data
    return value


def _wrap(value: Any) -> Any:
    """The inverse of ``_unwrap``: arrays and NumPy scalars as tensors, as PyTorch keeps them."""
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    if isinstance(value, (xp.ndarray, xp.generic)):
        return Tensor._wrap(xp.asarray(value))
    return value


def _copy(value: Any) -> Any:
    """A copy of a state value; tensors of any library (PyTorch's too) become rosenblatt ones."""
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    # asarray, then copy: xp.array(torch_tensor) warns (PyTorch's __array__ takes no copy=)
    return Tensor._wrap(xp.asarray(value.data if isinstance(value, Tensor) else value).copy())
