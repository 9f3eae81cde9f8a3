package dev.jgrad.nn.schedule;

import dev.jgrad.nn.optim.Optimizer;
import dev.jgrad.nn.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code ReduceLROnPlateau}: multiplies the lr by {@code factor} once the metric has not improved
 * for more than {@code patience} evaluations, then waits {@code cooldown} evaluations. Improvement is relative
 * ({@code threshold_mode='rel'}): below best·(1 − threshold) in MIN mode, above best·(1 + threshold) in MAX mode.
 */
public final class ReduceLROnPlateau implements Scheduler {
    private final Optimizer optimizer;
    private final boolean minimize;
    private final double factor, threshold, minLr, eps;
    private final int patience, cooldown;
    private double best;
    private int badEpochs, cooldownCounter;
    private long lastEpoch;

    public ReduceLROnPlateau(Optimizer optimizer, boolean minimize, double factor, int patience, double threshold,
                             int cooldown, double minLr) {
        if (!(factor < 1)) throw new IllegalArgumentException("factor must be < 1, got " + factor);
        this.optimizer = optimizer;
        this.minimize = minimize;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
        this.eps = 1e-8;
        this.best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** PyTorch's defaults: minimize, factor 0.1, patience 10, threshold 1e-4, no cooldown, min lr 0. */
    public ReduceLROnPlateau(Optimizer optimizer) {
        this(optimizer, true, 0.1, 10, 1e-4, 0, 0);
    }

    /** Records one evaluation of the metric (e.g. validation loss) and reduces the lr if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        boolean better = minimize ? metric < best * (1 - threshold) : metric > best * (1 + threshold);
        if (better) {
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badEpochs = 0;
        }
        if (badEpochs > patience) {
            for (ParamGroup g : optimizer.paramGroups()) {
                double newLr = Math.max(g.lr() * factor, minLr);
                if (g.lr() - newLr > eps) g.setLr(newLr);
            }
            cooldownCounter = cooldown;
            badEpochs = 0;
        }
    }

    @Override
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "plateau");
        m.put("best", Double.doubleToRawLongBits(best));   // bits: JSON has no infinities
        m.put("bad_epochs", badEpochs);
        m.put("cooldown_counter", cooldownCounter);
        m.put("last_epoch", lastEpoch);
        return m;
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        if (!"plateau".equals(state.get("kind"))) throw new IllegalArgumentException("schedule state is for '" + state.get("kind") + "', not 'plateau'");
        best = Double.longBitsToDouble(((Number) state.get("best")).longValue());
        badEpochs = ((Number) state.get("bad_epochs")).intValue();
        cooldownCounter = ((Number) state.get("cooldown_counter")).intValue();
        lastEpoch = ((Number) state.get("last_epoch")).longValue();
    }
}
