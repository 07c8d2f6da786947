package dev.cortado.nn;

import java.util.Iterator;
import java.util.List;

/**
 * An indexed list of modules registered as children "0", "1", … (as torch.nn.ModuleList); the owner
 * decides how to call them. Items are read from the registered children, so an item replaced by an
 * adapter (LoRA) is what {@link #get} returns; such a replacement must then be an {@code M} too.
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    public ModuleList() {
    }

    public ModuleList(List<? extends M> modules) {
        modules.forEach(this::add);
    }

    public final ModuleList<M> add(M module) {
        registerModule(String.valueOf(size()), module);
        return this;
    }

    @SuppressWarnings("unchecked")   // every child was added as an M
    public final M get(int index) {
        return (M) child(String.valueOf(index));
    }

    public final int size() {
        return children().size();
    }

    @SuppressWarnings("unchecked")
    @Override
    public Iterator<M> iterator() {
        return (Iterator<M>) children().values().iterator();
    }
}
