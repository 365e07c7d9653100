// The resource shapes origo answers, for the SDK's methods and its users.

export type {
  ApiKey,
  CreatedUser,
  Membership,
  MembershipList,
  NewApiKey,
  Role,
  Token,
  User,
  UserOrganization,
  UserOrganizationList,
} from './account.ts';
export type {
  Area,
  CropAreaInput,
  DynamicMetadata,
  DynamicMetadataInputs,
  DynamicMetadataName,
  LinkedDefinition,
  NamedArea,
  SubjectAreaInput,
  VersionDefinition,
} from './dynamic-metadata.ts';
export type { ErrorBody, SignedUrl, StatusOk } from './error.ts';
export type {
  Organization,
  OrganizationInput,
  OrganizationOptionName,
  OrganizationOptions,
  SigningKey,
} from './organization.ts';
export type {
  BatchCopyResult,
  FacetValue,
  ListLink,
  ListLinks,
  SourceImage,
  SourceImageList,
  StaticMetadata,
  Timestamp,
  UserMetadata,
  UserMetadataValue,
} from './source-image.ts';
export type {
  OperationDescription,
  OperationName,
  OperationsDescription,
  OptionDescription,
  OptionMap,
  OptionValue,
  Stack,
  StackExpression,
  StackInput,
  StackList,
  StackOperation,
  StackOperationInput,
  StackOptionsDescription,
  StackOverrides,
} from './stack.ts';
