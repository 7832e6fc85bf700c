import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect, type ReactNode } from "react";

/**
 * The page's title in Shopify admin (App Bridge's title bar) and in the browser tab when the page
 * is opened outside admin (the offline demo, a direct link), where no title bar is drawn.
 */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Joren`;
  }, [title]);
  return <TitleBar title={title}>{children}</TitleBar>;
}
