// class-transformer ships this module without a declaration; class-validator-jsonschema needs it to
// follow `@Type(() => …)` into nested DTOs.
declare module 'class-transformer/cjs/storage' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
  export const defaultMetadataStorage: MetadataStorage;
}
