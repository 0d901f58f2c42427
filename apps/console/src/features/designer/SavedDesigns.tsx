"use client";
// Saving and loading designs through the API (`topologies.save` appends a version when the spec
// changed; `topologies.list` / `topologies.get` load the latest or an older version). The saved spec
// holds everything the form shows (design-spec.ts); what a load cannot show is noted after loading.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorState } from "~/components/states";
import { describeError } from "~/lib/api-client";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";
import { fromSpec, toSpec, type CarriedFields } from "./design-spec";
import type { Design } from "./model";

export function SavedDesigns({
  design,
  carried,
  onLoad,
}: {
  design: Design;
  carried: CarriedFields;
  onLoad: (loaded: { design: Design; carried: CarriedFields; notes: string[] }) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const designs = useApiQuery(trpc.topologies.list.queryOptions({}), { refetchInterval: 60_000 });
  const [chosen, setChosen] = useState("");
  const [note, setNote] = useState("");
  const [loadNotes, setLoadNotes] = useState<string[]>([]);
  const spec = toSpec(design, carried);
  const save = useMutation(
    trpc.topologies.save.mutationOptions({
      onSuccess: () => {
        setNote("");
        void qc.invalidateQueries(trpc.topologies.list.queryFilter());
      },
    }),
  );
  const load = useMutation({
    mutationFn: (designId: string) => qc.fetchQuery(trpc.topologies.get.queryOptions({ designId })),
    onSuccess: (got) => {
      const loaded = fromSpec(got.spec, design.image);
      setLoadNotes([`Loaded ${got.design.name} version ${got.version}`, ...loaded.notes]);
      onLoad(loaded);
    },
  });
  return (
    <section className="card" aria-labelledby="saved-h" data-testid="saved-designs">
      <h2 id="saved-h">Saved designs</h2>
      <div className="row" style={{ alignItems: "flex-end" }}>
        <label className="field" style={{ flex: 1 }}>
          Saved design
          <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">
              {designs.isLoading
                ? "Loading…"
                : designs.data?.length
                  ? "Choose a design…"
                  : "No saved designs yet"}
            </option>
            {(designs.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} (v{d.latestVersion})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          disabled={!chosen || load.isPending}
          onClick={() => load.mutate(chosen)}
        >
          Load
        </button>
      </div>
      {designs.error ? <ErrorState error={designs.error} retry={designs.refetch} /> : null}
      {load.error ? <ErrorState error={describeError(load.error)} /> : null}
      {loadNotes.length ? (
        <ul className="issues" style={{ marginTop: 8 }} data-testid="load-result">
          {loadNotes.map((n, i) => (
            <li key={n} className={i === 0 ? "ok" : "warn"}>
              {n}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="row" style={{ alignItems: "flex-end", marginTop: 10 }}>
        <label className="field" style={{ flex: 1 }}>
          Version note
          <input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What changed in this version"
          />
        </label>
        <button
          type="button"
          className="btn primary"
          disabled={save.isPending}
          onClick={() => save.mutate({ name: design.name, spec, ...(note ? { note } : {}) })}
        >
          Save as “{design.name}”
        </button>
      </div>
      {save.error ? <ErrorState error={describeError(save.error)} /> : null}
      {save.data ? (
        <p className="small" role="status" data-testid="save-result">
          {save.data.created
            ? `Saved ${save.data.design.name} version ${save.data.version}.`
            : `No change: version ${save.data.version} of ${save.data.design.name} is identical.`}
        </p>
      ) : null}
    </section>
  );
}
