"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { makeTrpcClient, TRPCProvider } from "~/lib/trpc";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            retry: (count, error) =>
              count < 1 && !/UNAUTHORIZED|NOT_FOUND|FORBIDDEN/.test(String(error)),
            refetchOnWindowFocus: false,
          },
        },
      }),
  );
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider client={trpcClient}>{children}</TRPCProvider>
    </QueryClientProvider>
  );
}
