package dev.cmdimage.core.internal.controller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The order CmdImages build in, and their dependency cycles. A CmdImage depends on another when one of its
 * {@code imageMaps} is the other's name (each CmdImage publishes to the ImageMap of its own name).
 *
 * <p>Strongly connected components (Tarjan's algorithm, iterative so that a deep graph cannot overflow the stack)
 * come out dependencies first; their position is the build order. A component of more than one member, or a member
 * depending on itself, is a cycle.
 */
public final class DependencyGraph {
    private final Map<String, Integer> order;
    private final Map<String, String> cycleErrors;

    private DependencyGraph(Map<String, Integer> order, Map<String, String> cycleErrors) {
        this.order = order;
        this.cycleErrors = cycleErrors;
    }

    /**
     * Analyses a graph.
     *
     * @param dependencies every node (by name, iteration order is the tie-break) and the nodes it depends on;
     *                     names that are not nodes are ignored
     */
    public static DependencyGraph of(Map<String, List<String>> dependencies) {
        List<String> names = new ArrayList<>(dependencies.keySet());
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            id.put(names.get(i), i);
        }
        int n = names.size();
        int[][] edges = new int[n][];
        for (int i = 0; i < n; i++) {
            Set<Integer> targets = new LinkedHashSet<>();
            for (String dep : dependencies.get(names.get(i))) {
                Integer j = id.get(dep);
                if (j != null) {
                    targets.add(j);
                }
            }
            edges[i] = targets.stream().mapToInt(Integer::intValue).toArray();
        }

        int[] index = new int[n];
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        java.util.Arrays.fill(index, -1);
        Deque<Integer> stack = new ArrayDeque<>();
        int[] nextEdge = new int[n];
        Deque<Integer> call = new ArrayDeque<>();
        int counter = 0;
        int position = 0;
        Map<String, Integer> order = new HashMap<>();
        Map<String, String> cycles = new HashMap<>();

        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            call.push(root);
            index[root] = low[root] = counter++;
            stack.push(root);
            onStack[root] = true;
            while (!call.isEmpty()) {
                int v = call.peek();
                if (nextEdge[v] < edges[v].length) {
                    int w = edges[v][nextEdge[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack.push(w);
                        onStack[w] = true;
                        call.push(w);
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                call.pop();
                if (!call.isEmpty()) {
                    int parent = call.peek();
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    List<Integer> component = new ArrayList<>();
                    int w;
                    do {
                        w = stack.pop();
                        onStack[w] = false;
                        component.add(w);
                    } while (w != v);
                    int pos = position++;
                    for (int member : component) {
                        order.put(names.get(member), pos);
                    }
                    boolean selfLoop = component.size() == 1 && contains(edges[v], v);
                    if (component.size() > 1 || selfLoop) {
                        describeCycle(component, edges, names, cycles);
                    }
                }
            }
        }
        return new DependencyGraph(order, cycles);
    }

    /** The build position of a node: a node comes after everything it depends on (cycles aside). */
    public int position(String name) {
        return order.getOrDefault(name, Integer.MAX_VALUE);
    }

    /** The error for a member of a dependency cycle, or {@code null} when the node is on no cycle. */
    public String cycleError(String name) {
        return cycleErrors.get(name);
    }

    private static boolean contains(int[] a, int x) {
        for (int y : a) {
            if (y == x) {
                return true;
            }
        }
        return false;
    }

    /**
     * For each member: {@code dependency cycle: a -> b -> a}, the shortest way round from that member, followed by
     * every member of the component when the cycle shown does not pass through all of them.
     */
    private static void describeCycle(List<Integer> component, int[][] edges, List<String> names,
            Map<String, String> out) {
        Set<Integer> members = new java.util.HashSet<>(component);
        TreeSet<String> all = new TreeSet<>();
        for (int m : component) {
            all.add(names.get(m));
        }
        for (int start : component) {
            List<Integer> path = shortestCycle(start, edges, members);
            StringBuilder sb = new StringBuilder("dependency cycle: ");
            for (int i = 0; i < path.size(); i++) {
                if (i > 0) {
                    sb.append(" -> ");
                }
                sb.append(names.get(path.get(i)));
            }
            if (path.size() - 1 < all.size()) {
                sb.append(" (members of the cycle: ").append(String.join(", ", all)).append(')');
            }
            sb.append("; each CmdImage waits for the image map of the next one, so none of them can build");
            out.put(names.get(start), sb.toString());
        }
    }

    /** Breadth-first from {@code start} back to it, staying inside the component. */
    private static List<Integer> shortestCycle(int start, int[][] edges, Set<Integer> members) {
        Map<Integer, Integer> previous = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        Integer last = null;
        search:
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int w : edges[v]) {
                if (!members.contains(w)) {
                    continue;
                }
                if (w == start) {
                    last = v;
                    break search;
                }
                if (!previous.containsKey(w)) {
                    previous.put(w, v);
                    queue.add(w);
                }
            }
        }
        List<Integer> path = new ArrayList<>();
        path.add(start);
        for (Integer v = last; v != null && v != start; v = previous.get(v)) {
            path.add(1, v);
        }
        path.add(start);
        return path;
    }
}
