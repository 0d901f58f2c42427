import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "~/components/providers";
import { Shell } from "~/components/shell";
import { THEME_BOOT } from "~/components/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tessera", template: "%s · Tessera" },
  description: "LLM serving across Kubernetes clusters",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT }} />
      </head>
      <body>
        <Providers>
          <Shell>{children}</Shell>
        </Providers>
      </body>
    </html>
  );
}
