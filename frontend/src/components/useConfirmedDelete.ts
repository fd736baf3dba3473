import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { QueryKey } from '@tanstack/react-query'
import { useState } from 'react'
import { useNotifyFailure, useToast } from './toast'

interface ConfirmedDeleteOptions<T> {
  remove: (item: T) => Promise<unknown>
  /** The list to fetch again once the item is gone. */
  queryKey: QueryKey
  /** The toast once the item is gone. */
  deletedText: (item: T) => string
}

/**
 * Deletes an item only once a dialog has asked: `ask` opens it for an item (`deleting` until it closes), and
 * `dialog` holds the ConfirmDialog props that delete it or close it. It closes when the server has answered.
 */
export function useConfirmedDelete<T>({ remove, queryKey, deletedText }: ConfirmedDeleteOptions<T>) {
  const [deleting, setDeleting] = useState<T | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: async (_, item) => {
      notify(deletedText(item))
      await queryClient.invalidateQueries({ queryKey })
    },
    onError: useNotifyFailure(),
    onSettled: () => setDeleting(null),
  })
  return {
    deleting,
    ask: (item: T) => setDeleting(item),
    dialog: {
      busy: mutation.isPending,
      onConfirm: () => {
        if (deleting !== null) {
          mutation.mutate(deleting)
        }
      },
      onCancel: () => setDeleting(null),
    },
  }
}
