// Shopify's contextual save bar for a page's forms (App Bridge v4's <SaveBar>, drawn by Shopify
// admin above the app): shown while any form of the page differs from what is stored, Save
// saves every changed form, Discard puts each back; leaving the page with unsaved changes asks
// first (App Bridge's leave confirmation). One bar per page: App Bridge shows one at a time, so
// a page with two forms (a scenario's settings and its email) registers both with one scope.
import { useBlocker, useNavigate } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useT } from "~/i18n/i18n";

export interface SaveBarForm {
  /** differs from what is stored */
  dirty: boolean;
  /** a save of this form is on its way */
  saving: boolean;
  save(): void;
  discard(): void;
}

type Register = (key: string, form: SaveBarForm | null) => void;
const SaveBarContext = createContext<Register | null>(null);

/**
 * A navigation to another page while there are unsaved changes waits for App Bridge's "leave
 * page?" confirmation; staying keeps the page as it is. (Shopify admin guards its own links and
 * the nav menu; this covers the app's links, which navigate inside the iframe.)
 */
function useLeaveConfirmation(dirty: boolean): void {
  const navigate = useNavigate();
  const leaving = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    const next = blocker.location;
    blocker.reset();
    void shopify.saveBar.leaveConfirmation().then(() => {
      leaving.current = true;
      navigate({ pathname: next.pathname, search: next.search, hash: next.hash });
    });
  }, [blocker, navigate]);
}

export function SaveBarScope(props: { id: string; children: ReactNode }) {
  const { t } = useT();
  const [forms, setForms] = useState<Record<string, SaveBarForm>>({});
  const register = useCallback<Register>((key, form) => {
    setForms((current) => {
      const next = { ...current };
      if (form) next[key] = form;
      else delete next[key];
      return next;
    });
  }, []);
  const all = Object.values(forms);
  const dirty = all.filter((form) => form.dirty);
  const saving = all.some((form) => form.saving);
  useLeaveConfirmation(dirty.length > 0);
  return (
    <SaveBarContext.Provider value={register}>
      {props.children}
      <SaveBar id={props.id} open={dirty.length > 0 || saving}>
        <button
          variant="primary"
          loading={saving ? "" : undefined}
          onClick={() => dirty.forEach((form) => form.save())}
        >
          {t("common.save")}
        </button>
        <button disabled={saving} onClick={() => dirty.forEach((form) => form.discard())}>
          {t("common.discard")}
        </button>
      </SaveBar>
    </SaveBarContext.Provider>
  );
}

/** Puts one form under the page's save bar (a no-op outside a SaveBarScope). */
export function useSaveBarForm(key: string, form: SaveBarForm): void {
  const register = useContext(SaveBarContext);
  const latest = useRef(form);
  latest.current = form;
  useEffect(() => {
    register?.(key, {
      dirty: form.dirty,
      saving: form.saving,
      save: () => latest.current.save(),
      discard: () => latest.current.discard(),
    });
  }, [register, key, form.dirty, form.saving]);
  useEffect(() => () => register?.(key, null), [register, key]);
}
