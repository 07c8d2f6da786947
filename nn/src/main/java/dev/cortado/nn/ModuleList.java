package dev.cortado.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of modules registered as children "0", "1", … (as torch.nn.ModuleList); the owner
 * decides how to call them.
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList() {
    }

    public ModuleList(List<? extends M> modules) {
        modules.forEach(this::add);
    }

    public final ModuleList<M> add(M module) {
        items.add(registerModule(String.valueOf(items.size()), module));
        return this;
    }

    public final M get(int index) {
        return items.get(index);
    }

    public final int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return Collections.unmodifiableList(items).iterator();
    }
}
