/** "Import…": picks a JSON file, parses it, and hands over the document (or says why it cannot). */
export function FileButton(props: { label: string; onJson: (document: unknown, name: string) => void; onError: (message: string) => void; testId?: string }) {
  const pick = async (file: File) => {
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      return props.onError(`${file.name} is not a JSON file`);
    }
    props.onJson(document, file.name);
  };
  return (
    <label class="button">
      {props.label}
      <input
        type="file"
        accept="application/json,.json"
        class="visually-hidden"
        data-testid={props.testId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void pick(file);
        }}
      />
    </label>
  );
}
